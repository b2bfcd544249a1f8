package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const createBody = `{"urls":["https://cdn.example.com/a.mp4"]}`

// wantThrottled checks a refusal looks like the gateway's: 429 APIGW.0308,
// no Retry-After, and a message containing msgPart.
func wantThrottled(t *testing.T, r reply, msgPart string) {
	t.Helper()
	if r.status != http.StatusTooManyRequests || r.errorCode(t) != "APIGW.0308" {
		t.Fatalf("status %d body %s, want 429 APIGW.0308", r.status, r.body)
	}
	if ra := r.header.Get("Retry-After"); ra != "" {
		t.Fatalf("Retry-After %q sent; the gateway sends none", ra)
	}
	if !strings.Contains(string(r.body), msgPart) {
		t.Fatalf("body %s lacks %q", r.body, msgPart)
	}
}

func TestQuotaRefillsAtItsRateAfterTheBurst(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{RequestsPerSecond: 2, Burst: 3} })
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	for range 3 {
		h.query(t, "t1").results(t)
	}
	wantThrottled(t, h.query(t, "t1"), "over ratelimit")
	h.clock.Advance(400 * time.Millisecond) // 0.8 of a token
	wantThrottled(t, h.query(t, "t1"), "over ratelimit")
	h.clock.Advance(100 * time.Millisecond)
	h.query(t, "t1").results(t)
	if n := h.srv.Throttled(); n != 2 {
		t.Fatalf("Throttled() = %d, want 2", n)
	}
}

func TestQuotaBurstDefaultsToOneSecond(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{RequestsPerSecond: 2} })
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	h.query(t, "t1").results(t)
	h.query(t, "t1").results(t)
	wantThrottled(t, h.query(t, "t1"), "over ratelimit")
}

func TestQuotaPerAPILimitsCountOnlyTheirAPI(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{CreatesPerMinute: 2, QueriesPerMinute: 3} })
	id := h.create(t, createBody).taskID(t)
	h.create(t, createBody).taskID(t)
	wantThrottled(t, h.create(t, createBody), "over ratelimit,limit:2,time:1 minute")
	for range 3 {
		h.query(t, id).results(t)
	}
	wantThrottled(t, h.query(t, id), "over ratelimit,limit:3,time:1 minute")
}

// TestQuotaWindowsAreFixedAndOpenWithTheFirstRequest checks the gateway's
// model: a window admits its limit, refuses the rest until it closes, and
// the next one opens with the next request, not on a clock's boundary.
func TestQuotaWindowsAreFixedAndOpenWithTheFirstRequest(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{CreatesPerMinute: 2} })
	h.clock.Advance(17 * time.Second)
	h.create(t, createBody).taskID(t) // opens a window until 17s + 60s
	h.clock.Advance(50 * time.Second)
	h.create(t, createBody).taskID(t)
	wantThrottled(t, h.create(t, createBody), "limit:2,time:1 minute")
	h.clock.Advance(10*time.Second - time.Millisecond) // a token bucket would have refilled by now
	wantThrottled(t, h.create(t, createBody), "limit:2,time:1 minute")
	h.clock.Advance(time.Millisecond)
	h.create(t, createBody).taskID(t)
	h.clock.Advance(100 * time.Second) // idle: the next window opens with the next request
	h.create(t, createBody).taskID(t)
	h.create(t, createBody).taskID(t)
	wantThrottled(t, h.create(t, createBody), "limit:2")
	if n := h.srv.Throttled(); n != 3 {
		t.Fatalf("Throttled() = %d, want 3", n)
	}
}

func TestQuotaWindowScalesAndSaysSo(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{QueriesPerMinute: 1, Window: 2 * time.Second} })
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	h.query(t, "t1").results(t)
	wantThrottled(t, h.query(t, "t1"), "over ratelimit,limit:1,time:2 second")
	h.clock.Advance(2 * time.Second)
	h.query(t, "t1").results(t)
}

func TestQuotaDailyCreatesAnswerLikeTheGateway(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{CreatesPerDay: 3, CreatesPerMinute: 10, Window: time.Second} })
	for range 3 {
		h.create(t, createBody).taskID(t)
	}
	wantThrottled(t, h.create(t, createBody), "over ratelimit,limit:3,time:1 day")
	h.clock.Advance(8 * time.Hour) // a token bucket would give one back by now
	wantThrottled(t, h.create(t, createBody), "limit:3,time:1 day")
	h.clock.Advance(16 * time.Hour)
	h.create(t, createBody).taskID(t)
}

// TestQuotaRefusalTakesNoOtherToken checks a request refused by one limit
// does not use up another: refused creates leave the per-second bucket full.
func TestQuotaRefusalTakesNoOtherToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Quota = Quota{RequestsPerSecond: 1, Burst: 4, CreatesPerMinute: 1} })
	id := h.create(t, createBody).taskID(t)
	for range 5 {
		wantThrottled(t, h.create(t, createBody), "limit:1,time:1 minute")
	}
	for range 3 {
		h.query(t, id).results(t)
	}
	wantThrottled(t, h.query(t, id), "over ratelimit")
}

func TestQuotaIsOffByDefaultAndSkipsUnauthenticatedRequests(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	for range 50 {
		h.query(t, "t1").results(t)
	}
	h = newHarness(t, func(c *Config) { c.Quota = Quota{RequestsPerSecond: 1} })
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	for range 3 {
		if r := h.send(t, http.MethodGet, preheatPath+"?task_id=t1", "", false); r.status != http.StatusUnauthorized {
			t.Fatalf("unsigned: status %d", r.status)
		}
	}
	h.query(t, "t1").results(t)
}
