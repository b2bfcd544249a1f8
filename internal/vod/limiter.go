package vod

import (
	"math"
	"sync"
	"time"
)

// The limiter's constants. The gateway's quota is unknown to the client and
// answers over it carry no Retry-After, so the limiter learns it:
//   - Until the first 429 it does not pace but keeps startWindow requests
//     in flight at first, one more with each answer (TCP's slow start): an
//     unthrottled plan is not slowed down, and a small quota sees a few
//     requests, not all of Terraform's parallel reads, before the limiter
//     learns of it.
//   - On a 429 it cuts the pace to cutFactor of the rate the server was
//     seen to accept (multiplicative decrease). One cut per round: a 429 for
//     a request sent before the last cut says nothing about the new pace.
//   - Then it grows the pace by probeGrowth for each second's worth of
//     requests served (additive-like increase, proportional so it suits
//     quotas of 2/s and 200/s alike), and goes back to doubling once
//     probeWindow passed without a 429. The pace grows with use only, so
//     an idle spell does not end in a burst.
const (
	startWindow      = 2    // requests in flight at first
	maxWindow        = 1000 // beyond it the window is off in effect
	unknownQuotaRate = 10.0 // after a 429 when nothing was served yet
	minRate          = 0.1
	maxRate          = 1e6 // beyond it the limiter is off in effect
	cutFactor        = 0.9
	// quickCutFactor cuts again when 429s come too soon after counting
	// started to measure the accepted rate (within minCountSpan).
	quickCutFactor = 0.75
	minCountSpan   = 500 * time.Millisecond
	probeGrowth    = 0.02 // per second
	probeWindow    = time.Minute
	// acceptWindow is how far back served requests count toward the
	// accepted rate used by the first cut.
	acceptWindow = time.Second
)

// limiter is a budget's adaptive pace (see budget), so that a whole
// terraform plan stays near the tenant's API quota instead of bursting into
// 429s and backoff, when the gateway states no limit. The budget waits for
// the places it gives (budget.wait). It is safe for concurrent use.
type limiter struct {
	now func() time.Time
	cap float64 // max requests per second set by the user; 0 for none

	mu sync.Mutex
	// Before the first 429 (slow start) requests are not paced but kept to
	// a window of requests in flight, which grows by one with each answer.
	window   int
	inFlight int
	freed    chan struct{} // closed when a place in the window frees
	// From the first 429 on, requests are paced at rate.
	rate       float64   // requests per second
	next       time.Time // earliest start of the next request
	pauseUntil time.Time // a Retry-After asks everyone to hold off
	lastCut    time.Time // zero until the first 429
	cuts       int       // how many times the pace was cut
	// Until the first cut, recentServed holds the answers not throttled in
	// the last acceptWindow (older ones are pruned); from then on served
	// counts them since countedSince.
	countedSince time.Time
	recentServed []time.Time
	served       int
}

// answer is what came back to one request, for observe.
type answer int

const (
	noAnswer  answer = iota // transport or credential failure: the server served nothing
	served                  // any answer but a 429
	throttled               // a 429
)

func newLimiter(capPerSecond float64) *limiter {
	l := &limiter{now: time.Now, cap: capPerSecond, rate: maxRate,
		window: startWindow, freed: make(chan struct{})}
	if capPerSecond > 0 {
		l.rate = capPerSecond
	}
	return l
}

// ticket is a request let through by the limiter, for observe.
type ticket struct {
	pace int  // the limiter's cuts when it was let through
	held bool // holds a place in the slow start's window
}

// reserve takes the next place at the current pace, keeping the window
// place prev may hold. When the slow start's window is full it takes
// nothing and returns a channel closed when a place frees.
func (l *limiter) reserve(prev ticket) (time.Time, ticket, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	t := ticket{pace: l.cuts, held: prev.held}
	if l.cuts == 0 && !t.held {
		if l.inFlight >= l.window {
			return now, prev, l.freed
		}
		l.inFlight++
		t.held = true
	}
	slot := now
	if l.next.After(slot) {
		slot = l.next
	}
	if l.pauseUntil.After(slot) {
		slot = l.pauseUntil
	}
	l.next = slot.Add(time.Duration(float64(time.Second) / l.rate))
	return slot, t, nil
}

// release gives back t's place in the window, if it holds one.
func (l *limiter) release(t ticket) {
	if !t.held {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked()
}

func (l *limiter) releaseLocked() {
	l.inFlight--
	close(l.freed)
	l.freed = make(chan struct{})
}

// current reports whether the pace t was given at still holds.
func (l *limiter) current(t ticket) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return t.pace == l.cuts
}

// observe feeds back the answer to a request let through with t.
func (l *limiter) observe(t ticket, got answer, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if t.held {
		l.releaseLocked()
	}
	if retryAfter > 0 && now.Add(retryAfter).After(l.pauseUntil) {
		l.pauseUntil = now.Add(retryAfter)
	}
	switch got {
	case noAnswer:
		return // nothing was served: it tells nothing of the quota
	case served:
		l.countServed(now)
		l.grow(now)
		return
	}
	if t.pace != l.cuts {
		return // sent at an old pace: already answered for
	}
	accepted, measured := l.acceptedRate(now)
	switch {
	case !measured:
		l.rate *= quickCutFactor
	case accepted >= minRate:
		l.rate = cutFactor * min(l.rate, accepted)
	case l.cuts == 0:
		l.rate = unknownQuotaRate // nothing served yet: the quota is unknown
	default:
		l.rate /= 2 // nothing served lately: back off hard
	}
	l.rate = l.capped(max(l.rate, minRate))
	l.cuts++
	l.lastCut = now
	if measured {
		l.countedSince, l.served, l.recentServed = now, 0, nil
	}
	// The server's bucket is empty: start the new pace from now.
	l.next = now.Add(time.Duration(float64(time.Second) / l.rate))
}

// capped bounds a rate by the user's cap, in every branch of the pace.
func (l *limiter) capped(rate float64) float64 {
	if l.cap > 0 {
		return min(rate, l.cap)
	}
	return rate
}

// countServed counts one answer served at now. Before the first cut only
// the last acceptWindow matters, so older answers are pruned and the list
// stays as long as one second's answers.
func (l *limiter) countServed(now time.Time) {
	if !l.countedSince.IsZero() {
		l.served++
		return
	}
	keep := 0
	for keep < len(l.recentServed) && now.Sub(l.recentServed[keep]) > acceptWindow {
		keep++
	}
	l.recentServed = append(l.recentServed[keep:], now)
}

// acceptedRate estimates the server's quota from what it served since
// counting started at an earlier cut (the server's bucket was empty then
// and is empty now), or, at the first cut, in the last acceptWindow. It
// reports false when counting started too recently to tell.
func (l *limiter) acceptedRate(now time.Time) (float64, bool) {
	if !l.countedSince.IsZero() {
		span := now.Sub(l.countedSince)
		return float64(l.served) / span.Seconds(), span >= minCountSpan
	}
	n := 0
	for _, at := range l.recentServed {
		if now.Sub(at) <= acceptWindow {
			n++
		}
	}
	return float64(n) / acceptWindow.Seconds(), true
}

// grow raises the pace for one request served: in slow start the window
// grows by one; then the pace grows so that it doubles in a second of
// sending at the full pace (or by probeGrowth while probing after a 429).
// It grows with use only: after a pause the pace is what it was, not a
// burst.
func (l *limiter) grow(now time.Time) {
	if l.cuts == 0 {
		l.window = min(l.window+1, maxWindow)
		return
	}
	perSecond := math.Ln2
	if now.Sub(l.lastCut) < probeWindow {
		perSecond = math.Log1p(probeGrowth)
	}
	l.rate = l.capped(min(l.rate*math.Exp(perSecond/l.rate), maxRate))
}
