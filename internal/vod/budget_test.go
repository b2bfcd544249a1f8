package vod

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	minuteText = "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute"
	dailyText  = "The throttling threshold has been reached: policy user over ratelimit,limit:1000,time:1 day"
)

var tenPerMinute = Throttle{Limit: 10, Window: time.Minute}

// take steps b once with no deadline and fails unless it gives a slot.
func take(t *testing.T, b *budget) (time.Time, pass) {
	t.Helper()
	slot, p, freed, err := b.step(pass{}, time.Time{})
	if err != nil || freed != nil {
		t.Fatalf("step: err %v, waiting for an answer %v", err, freed != nil)
	}
	return slot, p
}

// serveAt lets one request through b at *now and has it served.
func serveAt(t *testing.T, b *budget, now *time.Time) {
	t.Helper()
	_, p := take(t, b)
	b.observe(p, served, Throttle{}, nil, 0)
	*now = now.Add(100 * time.Millisecond)
}

func TestBudgetsOfTheTwoAPIsAreApart(t *testing.T) {
	c, err := New(Config{Endpoint: "https://vod.example.com", ProjectID: testProject, AccessKey: testAK, SecretKey: testSK})
	if err != nil {
		t.Fatal(err)
	}
	now := epoch
	for _, b := range []*budget{c.queries, c.creates} {
		b.now, b.adaptive.now, b.jitter = func() time.Time { return now }, func() time.Time { return now }, func() float64 { return 0 }
	}
	_, p := take(t, c.creates)
	c.creates.observe(p, throttled, tenPerMinute, nil, 0) // a create's 429 holds the creates...
	if slot, _ := take(t, c.queries); !slot.Equal(now) {
		t.Fatalf("a query waits until %s after a create's 429", slot.Sub(now))
	}
	if slot, _ := take(t, c.creates); !slot.After(now.Add(time.Second)) {
		t.Fatalf("the next create goes at %s, not held after its 429", slot.Sub(now))
	}
	_, p = take(t, c.queries) // ...and a query's 429 without a stated limit cuts the queries' pace alone
	c.queries.observe(p, throttled, Throttle{}, nil, 0)
	if c.queries.adaptive.cuts != 1 || c.creates.adaptive.cuts != 0 || len(c.queries.limits) != 0 {
		t.Fatalf("cuts: queries %d, creates %d; want the query's 429 to cut the queries only", c.queries.adaptive.cuts, c.creates.adaptive.cuts)
	}
}

// TestBudgetHoldsUntilItsOwnWindowFrees: ten answers then a 429 stating 10
// a minute, and no one else in the window: the next requests go when the
// oldest answers leave the window, at most ten per window.
func TestBudgetHoldsUntilItsOwnWindowFrees(t *testing.T) {
	b, now, _ := simulatedBudget(0)
	b.jitter = func() float64 { return 0 }
	for range 10 {
		serveAt(t, b, now)
	}
	_, p := take(t, b)
	b.observe(p, throttled, tenPerMinute, nil, 0)
	if want := epoch.Add(time.Minute + holdMargin); !b.hold.Equal(want) {
		t.Fatalf("held until %s, want %s: when the first answer leaves the window", b.hold.Sub(epoch), want.Sub(epoch))
	}
	for i := range 10 {
		slot, _ := take(t, b)
		if want := epoch.Add(time.Duration(i)*100*time.Millisecond + time.Minute + holdMargin); !slot.Equal(want) {
			t.Fatalf("request %d after the hold goes at %s, want %s", i+1, slot.Sub(epoch), want.Sub(epoch))
		}
	}
	if _, _, freed, _ := b.step(pass{}, time.Time{}); freed == nil {
		t.Fatal("an 11th request in the window was given a slot")
	}
	if b.probe {
		t.Fatal("a window filled by this process alone needs no probe")
	}
}

// TestBudgetProbesAWindowSharedWithOthers: three answers of its own in the
// window when the 429 said 10: others share it, so the budget holds until a
// probe may see it free, and lets the probe go alone.
func TestBudgetProbesAWindowSharedWithOthers(t *testing.T) {
	b, now, _ := simulatedBudget(0)
	b.jitter = func() float64 { return 0 }
	for range 3 {
		serveAt(t, b, now)
	}
	*now = epoch.Add(55 * time.Second)
	_, p := take(t, b)
	b.observe(p, throttled, tenPerMinute, nil, 0)
	// The oldest own answer leaves the window at 60s; a probe is due
	// within a sixth of a window anyway.
	if want := epoch.Add(time.Minute + holdMargin); !b.hold.Equal(want) {
		t.Fatalf("held until %s, want %s", b.hold.Sub(epoch), want.Sub(epoch))
	}
	*now = epoch.Add(56 * time.Second)
	b.observe(p, throttled, tenPerMinute, nil, 0) // a second 429 (another request in flight)
	if want := epoch.Add(time.Minute + holdMargin); !b.hold.Equal(want) {
		t.Fatalf("held until %s after a second 429, want %s", b.hold.Sub(epoch), want.Sub(epoch))
	}
	b.limits, b.hold, b.answered = nil, time.Time{}, nil
	*now = epoch.Add(10 * time.Minute)
	serveAt(t, b, now)
	b.observe(pass{}, throttled, tenPerMinute, nil, 0)
	if want := now.Add(10*time.Second + holdMargin); !b.hold.Equal(want) {
		t.Fatalf("held %s, want a sixth of the window: the window may have begun long before this process's answer", b.hold.Sub(*now))
	}
	probeSlot, probe := take(t, b)
	if !probe.probe || !probeSlot.Equal(b.hold) {
		t.Fatalf("the first request after the hold: probe %v at %s", probe.probe, probeSlot.Sub(*now))
	}
	if _, _, freed, _ := b.step(pass{}, time.Time{}); freed == nil {
		t.Fatal("a second request went out beside the probe")
	}
	*now = probeSlot
	b.observe(probe, served, Throttle{}, nil, 0)
	if slot, _ := take(t, b); slot.After(*now) {
		t.Fatalf("after the probe was served the next request waits %s", slot.Sub(*now))
	}
}

func TestBudgetCapHoldsInEveryBranch(t *testing.T) {
	// A 429 before anything was served set an uncapped 10/s.
	b, _, _ := simulatedBudget(2)
	_, p := take(t, b)
	b.observe(p, throttled, Throttle{}, nil, 0)
	if b.adaptive.rate > 2 {
		t.Fatalf("rate %v after a 429 before the first answer, over the cap of 2/s", b.adaptive.rate)
	}
	// At a stated pace the cap spaces the requests the window allows at once.
	b, now, _ := simulatedBudget(2)
	b.learn(Throttle{Limit: 100, Window: time.Minute})
	first, _ := take(t, b)
	second, _ := take(t, b)
	if first != *now || second.Sub(first) != 500*time.Millisecond {
		t.Fatalf("stated pace with a cap of 2/s: slots at %s and %s", first.Sub(*now), second.Sub(*now))
	}
	// The cap bounds the client's requests together, not each API's.
	c, err := New(Config{Endpoint: "https://vod.example.com", ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRequestsPerSecond: 1})
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return epoch }
	for _, b := range []*budget{c.queries, c.creates} {
		b.now, b.adaptive.now = clock, clock
	}
	take(t, c.queries)
	if slot, _ := take(t, c.creates); slot.Sub(epoch) != time.Second {
		t.Fatalf("a create right after a query goes %s later, want the cap's 1s", slot.Sub(epoch))
	}
}

func TestLimiterPrunesItsServedAnswers(t *testing.T) {
	l, now, _ := simulatedLimiter()
	for range 200_000 { // 1000/s for 200s: past the 100,000 the list once kept
		l.observe(ticket{}, served, 0)
		*now = now.Add(time.Millisecond)
	}
	if n := len(l.recentServed); n > 1001 {
		t.Fatalf("%d answers kept, want the last second's only", n)
	}
	l.observe(ticket{}, throttled, 0)
	if want := cutFactor * 1000; l.rate < want*0.99 || l.rate > want*1.01 {
		t.Fatalf("rate after the first 429 %v, want about %v: the rate served just before", l.rate, want)
	}
}

func TestAnswerlessAttemptsAreNotCountedAsServed(t *testing.T) {
	b, _, _ := simulatedBudget(0)
	_, p := take(t, b)
	b.observe(p, noAnswer, Throttle{}, nil, 0)
	if len(b.answered) != 0 || len(b.adaptive.recentServed) != 0 || b.adaptive.window != startWindow {
		t.Fatalf("a request without an answer was counted: %d answered, %d served, window %d",
			len(b.answered), len(b.adaptive.recentServed), b.adaptive.window)
	}
	// Through the client: a refused connection, then missing credentials.
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: testProject, AccessKey: testAK, SecretKey: testSK})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueryPreheating(context.Background(), testTask); err == nil {
		t.Fatal("a query to a closed port succeeded")
	}
	if n := len(c.queries.answered) + len(c.queries.adaptive.recentServed); n != 0 {
		t.Fatalf("a refused connection counted as %d served", n)
	}
	if answerOf(&attemptTransport{}) != noAnswer {
		t.Fatal("an attempt with no status (credentials failed before sending) counts as an answer")
	}
}

func TestCreateIsRetriedOnThrottlingUntilItsDeadline(t *testing.T) {
	for name, fault := range map[string]emulator.Fault{
		"stated window":  emulator.FaultJSON(http.StatusTooManyRequests, "APIGW.0308", minuteText),
		"no stated text": emulator.Fault429(""),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 3 })
			h.emu.InjectFaults(8, fault)
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			if _, err := h.client.CreatePreheating(ctx, "asset-1", nil); err != nil {
				t.Fatalf("8 throttled answers, then success, with max_retries 3 and the deadline an hour ahead: %v", err)
			}
			if n := h.emu.RequestCount(); n != 9 {
				t.Fatalf("%d requests, want 9", n)
			}
		})
	}
}

func TestCreateNotSentWhenItsBudgetIsHeldPastTheDeadline(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.InjectFaults(1, emulator.FaultJSON(http.StatusTooManyRequests, "APIGW.0308", minuteText))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Nothing of its own in the window: the hold is a sixth of a minute.
	_, err := h.client.CreatePreheating(ctx, "asset-1", nil)
	var beyond *RetryBeyondDeadlineError
	if !errors.As(err, &beyond) || IsNotSent(err) || !strings.Contains(err.Error(), "the gateway allows 10 per minute") {
		t.Fatalf("err = %v, want a retry refused past the deadline by the stated window", err)
	}
	_, err = h.client.CreatePreheating(ctx, "asset-2", nil)
	if !IsNotSent(err) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "the create request was not sent") {
		t.Fatalf("err = %v, want a NotSentError", err)
	}
	if n := h.emu.RequestCount(); n != 1 || len(h.sleeps) != 0 {
		t.Fatalf("%d requests, slept %v: the held create must fail at once, unsent", n, h.sleeps)
	}
	if _, err := h.client.QueryPreheating(ctx, testTask); IsNotSent(err) {
		t.Fatalf("a query was held by the creates' window: %v", err)
	}
}

func TestCreateNotSentWhenCtxEndedFirst(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.client.CreatePreheating(ctx, "asset-1", nil)
	if !IsNotSent(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a NotSentError wrapping context.Canceled", err)
	}
	if n := h.emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent after cancellation", n)
	}
}

func TestDailyQuotaFailsACreateAtOnce(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.InjectFaults(1, emulator.FaultJSON(http.StatusTooManyRequests, "APIGW.0308", dailyText))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	_, err := h.client.CreatePreheating(ctx, "asset-1", nil)
	if !IsDailyQuotaExceeded(err) || IsNotSent(err) {
		t.Fatalf("err = %v, want the daily quota's refusal", err)
	}
	_, err = h.client.CreatePreheating(ctx, "asset-2", nil)
	if !IsDailyQuotaExceeded(err) || !IsNotSent(err) {
		t.Fatalf("err = %v, want the next create not sent, for the daily quota", err)
	}
	if n := h.emu.RequestCount(); n != 1 || len(h.sleeps) != 0 {
		t.Fatalf("%d requests, slept %v: the daily quota must stop creates at once", n, h.sleeps)
	}
}

func TestCreateTimeoutDoesNotCountAttemptsOfRetries(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 5; c.AttemptTimeout = 200 * time.Millisecond })
	// A delay, not a stall: the emulator notices a client gone from a POST
	// only when the delay ends.
	h.emu.InjectFaults(1, emulator.FaultDelay(time.Second))
	_, err := h.client.CreatePreheating(context.Background(), "asset-1", nil)
	var timeoutErr *AttemptTimeoutError
	if !errors.As(err, &timeoutErr) || !strings.HasSuffix(err.Error(), "attempt 1, not retried") || strings.Contains(err.Error(), " of ") {
		t.Fatalf("err = %v, want an attempt timeout without \"of 6\"", err)
	}
}

// TestBudgetSpreadsQueriesOverTheWindow: at a stated 100 a minute a
// quarter of the window goes at once (a plan's last reads), then the
// queries go 0.6 s apart, not the rest at once and then none, so that waits
// keep seeing their tasks; creates go together, as a release's do best.
func TestBudgetSpreadsQueriesOverTheWindow(t *testing.T) {
	for _, spread := range []bool{true, false} {
		b, now, _ := simulatedBudget(0)
		b.spread = spread
		b.learn(Throttle{Limit: 100, Window: time.Minute})
		var slots []time.Duration
		for range 27 {
			slot, _ := take(t, b)
			slots = append(slots, slot.Sub(*now))
		}
		want := []time.Duration{0, 600 * time.Millisecond, 1200 * time.Millisecond}
		if !spread {
			want = []time.Duration{0, 0, 0}
		}
		if got := slots[24:]; slots[0] != 0 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("spread %v: slots %v, want 25 at once then %v", spread, slots, want)
		}
	}
}
