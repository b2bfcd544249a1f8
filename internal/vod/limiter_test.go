package vod

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// simulatedLimiter is a limiter on a settable clock, in a budget whose
// sleeps are recorded, not slept.
func simulatedLimiter() (*limiter, *time.Time, *[]time.Duration) {
	b, now, sleeps := simulatedBudget(0)
	return b.adaptive, now, sleeps
}

func simulatedBudget(capPerSecond float64) (*budget, *time.Time, *[]time.Duration) {
	now, sleeps := epoch, []time.Duration{}
	l := newLimiter(capPerSecond)
	l.now = func() time.Time { return now }
	b := newBudget("query", l, newSpacing(capPerSecond))
	b.now = l.now
	b.sleep = func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return ctx.Err() }
	b.jitter = func() float64 { return 0.5 }
	return b, &now, &sleeps
}

func TestLimiterSlowStartKeepsAGrowingWindowInFlight(t *testing.T) {
	l, _, sleeps := simulatedLimiter()
	var passes []ticket
	for range startWindow {
		_, pass, full := l.reserve(ticket{})
		if full != nil {
			t.Fatal("the window is full before startWindow requests")
		}
		passes = append(passes, pass)
	}
	_, _, full := l.reserve(ticket{})
	if full == nil {
		t.Fatalf("a request beyond the window of %d was let through", startWindow)
	}
	l.observe(passes[0], served, 0)
	select {
	case <-full:
	default:
		t.Fatal("an answer did not free a place")
	}
	for range 2 { // one place freed, one more grown
		if _, _, full := l.reserve(ticket{}); full != nil {
			t.Fatal("the window did not grow by one with the answer")
		}
	}
	if len(*sleeps) != 0 {
		t.Fatalf("slow start paced requests: slept %v", *sleeps)
	}
}

func TestLimiterCutsOnceToTheAcceptedRateThenProbesSlowly(t *testing.T) {
	l, now, _ := simulatedLimiter()
	l.window = 10
	var sent []ticket
	for range 5 {
		_, pass, _ := l.reserve(ticket{})
		sent = append(sent, pass)
	}
	*now = now.Add(30 * time.Millisecond)
	l.observe(sent[0], served, 0)
	l.observe(sent[1], served, 0)
	for _, pass := range sent[2:] { // one burst, three 429s: one cut
		l.observe(pass, throttled, 0)
	}
	if want := cutFactor * 2; l.rate != want {
		t.Fatalf("rate after the cut %v, want %v (0.9 × the 2/s served)", l.rate, want)
	}
	if l.current(sent[4]) {
		t.Fatal("a place given before the cut still holds")
	}
	for range 18 { // about ten seconds' worth at 1.8/s
		*now = now.Add(time.Second * 10 / 18)
		_, pass, _ := l.reserve(ticket{})
		l.observe(pass, served, 0)
	}
	if want := cutFactor * 2 * math.Pow(1+probeGrowth, 10); math.Abs(l.rate-want) > 0.02*want {
		t.Fatalf("rate after ten seconds' worth served %v, want about %v", l.rate, want)
	}
	*now = now.Add(probeWindow)
	for range 20 {
		_, pass, _ := l.reserve(ticket{})
		l.observe(pass, served, 0)
	}
	if l.rate < 15 { // 1.8 + 20·ln 2: doubling, not 2% a second
		t.Fatalf("rate a probe window without 429 later %v: it should double again", l.rate)
	}
}

// TestLimiterWaitRequeuesAfterACut checks a caller whose place was given at
// the old pace waits again at the new one.
func TestLimiterWaitRequeuesAfterACut(t *testing.T) {
	b, now, sleeps := simulatedBudget(0)
	l := b.adaptive
	l.cuts, l.rate = 1, 100 // pacing at 100/s after an earlier 429
	l.reserve(ticket{})
	_, pass, _ := l.reserve(ticket{})
	cutDuringSleep := true
	b.sleep = func(ctx context.Context, d time.Duration) error {
		*sleeps = append(*sleeps, d)
		*now = now.Add(d)
		if cutDuringSleep {
			cutDuringSleep = false
			l.observe(pass, throttled, 0) // nothing served yet: the pace halves to 100/s
		}
		return nil
	}
	if _, err := b.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The old place was two gaps away; the new pace, halved as nothing was
	// served yet, puts the next place about two gaps after the cut.
	gap := 10 * time.Millisecond
	if len(*sleeps) != 2 || (*sleeps)[0] != 2*gap || (*sleeps)[1] < 2*gap*9/10 || (*sleeps)[1] > 2*gap {
		t.Fatalf("sleeps %v: want %s for the old place, then about %s for the new one", *sleeps, 2*gap, 2*gap)
	}
}

func TestLimiterNeverExceedsTheCap(t *testing.T) {
	b, now, sleeps := simulatedBudget(2)
	*now = now.Add(time.Hour)
	for range 4 {
		pass, _ := b.wait(context.Background())
		b.observe(pass, served, Throttle{}, nil, 0)
	}
	if want := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}; len(*sleeps) != 3 ||
		(*sleeps)[0] != want[1] || (*sleeps)[2] != want[3] {
		t.Fatalf("sleeps %v, want %v", *sleeps, want[1:])
	}
}

func TestLimiterHoldsEveryoneForRetryAfter(t *testing.T) {
	b, now, sleeps := simulatedBudget(0)
	pass, _ := b.wait(context.Background())
	b.observe(pass, throttled, Throttle{}, nil, 7*time.Second)
	*now = now.Add(time.Second)
	_, _ = b.wait(context.Background()) // only the pace matters here
	if got := (*sleeps)[len(*sleeps)-1]; got != 6*time.Second {
		t.Fatalf("next request waits %s, want the 6s left of Retry-After", got)
	}
}

// TestLimiterStopsWaitingWhenCtxEnds: a slot past the deadline fails at
// once, with the slot and the time left, instead of sleeping to the
// deadline; a cancelled context ends the wait.
func TestLimiterStopsWaitingWhenCtxEnds(t *testing.T) {
	b, _, sleeps := simulatedBudget(0.5)
	_, _ = b.wait(context.Background()) // the next slot is 2s away
	ctx, cancel := context.WithDeadline(context.Background(), epoch.Add(20*time.Millisecond))
	defer cancel()
	_, err := b.wait(ctx)
	var beyond *SlotBeyondDeadlineError
	if !errors.As(err, &beyond) || !errors.Is(err, context.DeadlineExceeded) || beyond.Delay != 2*time.Second || len(*sleeps) != 0 {
		t.Fatalf("err = %v, slept %v: want a slot 2s away refused at once", err, *sleeps)
	}
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	if _, err := b.wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// quotaRun is the outcome of a simulated plan against a quota.
type quotaRun struct {
	throttled, failed int
	wall              time.Duration
}

// simulatePlan runs `reads` reads on `parallelism` workers, as terraform plan
// does, against an emulator quota on a simulated clock: each request takes
// 30ms (a cloud API), each worker 2ms between reads, throttled requests are retried after
// the client's backoff up to maxRetries times. withLimiter false lets every
// request out at once, as before the limiter.
func simulatePlan(reads, parallelism int, quota emulator.Quota, withLimiter bool) quotaRun {
	const latency, think, maxRetries = 30 * time.Millisecond, 2 * time.Millisecond, 5
	rng := rand.New(rand.NewPCG(7, 8))
	backoffs := &Client{cfg: Config{RetryBaseDelay: time.Second, RetryMaxDelay: 30 * time.Second}, jitter: rng.Float64}
	l, now, _ := simulatedLimiter()
	gate := emulator.NewQuotaGate(quota)
	type event struct {
		at       time.Time
		worker   int
		sentAt   time.Time // zero: the worker is ready to send
		pass     ticket
		placed   bool // holds a place from the limiter
		attempt  int
		answered bool
		throttle bool
	}
	var queue, blocked []event
	push := func(e event) { queue = append(queue, e) }
	pop := func() event {
		best := 0
		for i := range queue {
			if queue[i].at.Before(queue[best].at) {
				best = i
			}
		}
		e := queue[best]
		queue = append(queue[:best], queue[best+1:]...)
		return e
	}
	var run quotaRun
	started := 0
	for w := range min(parallelism, reads) {
		push(event{at: epoch, worker: w, attempt: 1})
		started++
	}
	for len(queue) > 0 {
		e := pop()
		*now = e.at
		switch {
		case !e.answered && e.sentAt.IsZero() && !e.placed: // ready: ask the limiter for a place
			if !withLimiter {
				push(event{at: e.at, worker: e.worker, sentAt: e.at, attempt: e.attempt})
				continue
			}
			slot, pass, full := l.reserve(e.pass)
			if full != nil {
				blocked = append(blocked, e)
				continue
			}
			push(event{at: slot, worker: e.worker, pass: pass, placed: true, attempt: e.attempt})
		case e.placed: // its place came: send, unless the pace was cut meanwhile
			if !l.current(e.pass) {
				push(event{at: e.at, worker: e.worker, pass: e.pass, attempt: e.attempt})
				continue
			}
			push(event{at: e.at, worker: e.worker, sentAt: e.at, pass: e.pass, attempt: e.attempt})
		case !e.answered: // sent: the gateway decides
			_, ok := gate.Admit(http.MethodGet, e.at)
			push(event{at: e.at.Add(latency), worker: e.worker, sentAt: e.sentAt, pass: e.pass, attempt: e.attempt, answered: true, throttle: !ok})
		default:
			if withLimiter {
				l.observe(e.pass, answerFor(e.throttle), 0)
				for _, b := range blocked { // a place in the window may be free
					b.at = e.at
					push(b)
				}
				blocked = blocked[:0]
			}
			next := event{worker: e.worker, attempt: 1}
			switch {
			case e.throttle && e.attempt <= maxRetries:
				run.throttled++
				next.at, next.attempt = e.at.Add(backoffs.backoff(e.attempt, 0)), e.attempt+1
			case e.throttle:
				run.throttled++
				run.failed++
				fallthrough
			case started < reads:
				if started >= reads {
					continue
				}
				started++
				next.at = e.at.Add(think)
			default:
				run.wall = max(run.wall, e.at.Sub(epoch))
				continue
			}
			push(next)
		}
	}
	return run
}

// TestLimiterKeepsAPlanWithinTheQuota is the two quota runs on a
// simulated clock: with the limiter, 429s are at most 10% of the reads, no
// read gives up, and the wall time is at most 1.25× reads ÷ rate. Without
// it, the 2/s run fails, as measured on the real provider before.
func TestLimiterKeepsAPlanWithinTheQuota(t *testing.T) {
	for _, c := range []struct {
		reads int
		quota emulator.Quota
	}{
		{100, emulator.Quota{RequestsPerSecond: 2}},
		{300, emulator.Quota{RequestsPerSecond: 30}},
		{100, emulator.Quota{RequestsPerSecond: 2, Burst: 10}},
		{300, emulator.Quota{RequestsPerSecond: 30, Burst: 60}},
	} {
		with := simulatePlan(c.reads, 10, c.quota, true)
		without := simulatePlan(c.reads, 10, c.quota, false)
		rate, burst := c.quota.RequestsPerSecond, float64(c.quota.Burst)
		if burst == 0 {
			burst = rate
		}
		// The quota's floor: what the burst does not cover, at the rate.
		floor := time.Duration((float64(c.reads) - burst) / rate * float64(time.Second))
		t.Logf("%d reads at %+v: with limiter %d×429, %d failed, %s (floor %s); without %d×429, %d failed, %s",
			c.reads, c.quota, with.throttled, with.failed, with.wall, floor, without.throttled, without.failed, without.wall)
		if with.failed > 0 || with.throttled*10 > c.reads || with.wall > floor*5/4 {
			t.Errorf("%d reads at %+v: %d×429, %d failed, wall %s; want ≤ %d×429, none failed, wall ≤ %s",
				c.reads, c.quota, with.throttled, with.failed, with.wall, c.reads/10, floor*5/4)
		}
		if c.quota.RequestsPerSecond == 2 && without.failed == 0 {
			t.Errorf("without the limiter no read failed at 2/s; the simulation no longer shows the problem")
		}
	}
}

func answerFor(throttle bool) answer {
	if throttle {
		return throttled
	}
	return served
}
