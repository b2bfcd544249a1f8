package vod

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// api is one API of the gateway. Huawei counts each API's requests apart,
// so each has one limiter, shared by every request of the process: adding
// an API is adding a value here and a line in apiTraits.
type api int

const (
	preheatCreate api = iota
	preheatQuery
	refreshCreate // refresh_task.go
	refreshQuery
	apiCount
)

// apiTraits says how each API is paced and retried.
var apiTraits = [apiCount]struct {
	name string // for messages: "the create request never reached VOD"
	// idempotent: another try cannot do the work twice (see retry.go).
	idempotent bool
	// spread: once a limit is stated, requests go a window ÷ limit apart
	// after a quarter of the window, so that the waits of many tasks do
	// not spend a window in its first seconds and then see nothing until
	// it frees. Creates go in bursts: a release's creates end sooner so.
	spread bool
}{
	preheatCreate: {name: "create"},
	preheatQuery:  {name: "query", idempotent: true, spread: true},
	refreshCreate: {name: "refresh create"},
	refreshQuery:  {name: "refresh query", idempotent: true, spread: true},
}

func (a api) String() string { return apiTraits[a].name }

// A limiter decides when a request of one API may go. The rule:
//
//   - Until a 429 states the gateway's limit, the pace is adaptive: at first
//     startWindow requests in flight, one more per answer (TCP's slow
//     start); after a 429 a rate of cutFactor × the rate the server was
//     seen to accept, growing with each request served (AIMD).
//   - Once a 429 states "limit:N,time:W", never more than N of this
//     process's requests in any W: a request holds a place from when it
//     goes until W after its answer (which comes after the gateway counted
//     it). The adaptive pace is then off.
//   - A hold, set by a 429 (until the stated window can have freed) or by
//     Retry-After on a 429 or 503: nothing goes before it. After a 429 in
//     a window shared with other processes one request goes alone (a
//     probe), the others once it is served.
//   - The user's max_requests_per_second (cap) bounds every API together.
//
// A place is taken only when the request goes, and given back once, by
// done: a waiter that sleeps holds nothing, so a hold or a cut needs no
// undoing.
type limiter struct {
	api    api
	cap    *rate.Limiter // shared by the client's limiters; nil: no cap
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	jitter func() float64

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when a place may have freed
	inFlight int           // let through and not answered yet
	pace     *rate.Limiter // nil: not paced (slow start, or stated creates)
	// adaptive pace, before a limit is stated
	window       int // slow start: requests in flight before the first 429
	cuts         int
	lastCut      time.Time
	countedSince time.Time   // zero until the first cut
	served       int         // served since countedSince
	recentServed []time.Time // before the first cut: served in the last acceptWindow
	// stated pace
	stated    []Throttle
	answered  []time.Time // answers but 429s (and lost ones), oldest first, at most historyLen
	hold      time.Time
	holdErr   error    // the 429 that set the hold
	holdLimit Throttle // the limit it stated
	probe     bool
	opened    time.Time // a shared window was seen open by then; zero: not known
}

// The adaptive pace's constants ("What was tried" in BENCHMARKS.md).
const (
	startWindow      = 2
	maxWindow        = 1000
	unknownQuotaRate = 10.0 // after a 429 when nothing was served yet
	minRate          = 0.1
	maxRate          = 1e6
	cutFactor        = 0.9
	quickCutFactor   = 0.75 // a 429 within minCountSpan of the last cut
	minCountSpan     = 500 * time.Millisecond
	probeGrowth      = 0.02 // per second's worth served, within probeWindow of a cut
	probeWindow      = time.Minute
	acceptWindow     = time.Second
)

// The stated pace's constants.
const (
	historyLen      = 1000 // answers remembered: the largest limit paced exactly
	holdMargin      = 10 * time.Millisecond
	holdJitter      = 0.01 // of the window, so processes do not retry in lockstep
	probesPerWindow = 12   // a shared window not seen open yet is probed every W ÷ this
	spreadAfter     = 4    // queries: a window ÷ limit apart after a quarter of the window
)

func newLimiter(a api, capLimiter *rate.Limiter) *limiter {
	return &limiter{api: a, cap: capLimiter, now: time.Now, sleep: sleepContext, jitter: randomJitter,
		changed: make(chan struct{}), window: startWindow}
}

// newCap is the user's max_requests_per_second, or nil for none.
func newCap(perSecond float64) *rate.Limiter {
	if perSecond <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

// ticket is a request let through: the pace's cuts then, and whether it went alone as a probe.
type ticket struct {
	cuts  int
	probe bool
}

// answer is what came back to one request.
type answer int

const (
	notSent   answer = iota // nothing reached the gateway
	lost                    // sent, but no answer came back: the gateway may have counted it
	served                  // any answer but a 429
	throttled               // a 429
)

// wait blocks until a request may go and takes its place, or fails at once
// with a *SlotBeyondDeadlineError when it could go only after ctx's deadline.
func (l *limiter) wait(ctx context.Context) (ticket, error) {
	deadline, _ := ctx.Deadline()
	var sleptTo time.Time // a waiter that slept until its slot takes it
	for {
		if err := ctx.Err(); err != nil {
			return ticket{}, err
		}
		l.mu.Lock()
		now := maxTime(l.now(), sleptTo)
		slot, changed := l.slotLocked(now)
		switch {
		case changed != nil:
			l.mu.Unlock()
			select {
			case <-ctx.Done():
				return ticket{}, ctx.Err()
			case <-changed:
			}
			continue
		case !deadline.IsZero() && slot.After(deadline):
			err := l.beyondLocked(slot, deadline, now)
			l.mu.Unlock()
			return ticket{}, err
		case !slot.After(now) && l.takeLocked(now):
			t := ticket{cuts: l.cuts, probe: l.probe && len(l.stated) > 0}
			l.mu.Unlock()
			return t, nil
		}
		l.mu.Unlock()
		if err := l.sleep(ctx, slot.Sub(now)); err != nil {
			return ticket{}, err
		}
		sleptTo = slot
	}
}

// slotLocked is the earliest time at or after now when a request may go,
// or a channel closed when only an answer can free a place.
func (l *limiter) slotLocked(now time.Time) (time.Time, <-chan struct{}) {
	slot := maxTime(now, l.hold)
	switch {
	case len(l.stated) == 0 && l.cuts == 0 && l.inFlight >= l.window:
		return now, l.changed
	case len(l.stated) > 0 && l.probe && l.inFlight > 0:
		return now, l.changed
	}
	for _, limit := range l.stated {
		free := limit.Limit - l.inFlight
		if free <= 0 {
			return now, l.changed
		}
		if n := len(l.answered); n >= free {
			slot = maxTime(slot, l.answered[n-free].Add(limit.Window+holdMargin))
		}
	}
	slot = slot.Add(delayAt(l.pace, slot))
	return slot.Add(delayAt(l.cap, slot)), nil
}

// delayAt is how long after at the bucket has a token.
func delayAt(bucket *rate.Limiter, at time.Time) time.Duration {
	if bucket == nil {
		return 0
	}
	tokens := bucket.TokensAt(at)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(bucket.Limit()) * float64(time.Second))
}

// takeLocked spends the place at now; false when the cap (shared) was taken meanwhile.
func (l *limiter) takeLocked(now time.Time) bool {
	if l.cap != nil && !l.cap.AllowN(now, 1) {
		return false
	}
	if l.pace != nil {
		l.pace.AllowN(now, 1)
	}
	l.inFlight++
	return true
}

// beyondLocked is the error for a slot past the deadline, naming the limit.
func (l *limiter) beyondLocked(slot, deadline, now time.Time) error {
	err := &SlotBeyondDeadlineError{API: l.api.String(), Delay: slot.Sub(now), Left: deadline.Sub(now),
		Stated: l.holdLimit, Last: l.holdErr}
	if err.Stated.Limit == 0 && len(l.stated) > 0 {
		err.Stated = l.stated[0]
	}
	return err
}

// done gives back t's place and learns from what came back: got, the
// limit a 429 stated (if any) and its error, and a Retry-After the caller
// takes from a 429 or 503 only.
func (l *limiter) done(t ticket, got answer, stated Throttle, apiErr error, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.inFlight--
	close(l.changed)
	l.changed = make(chan struct{})
	if retryAfter > 0 && now.Add(retryAfter).After(l.hold) {
		l.hold = now.Add(retryAfter)
	}
	if got == served || got == lost {
		l.answered = append(l.answered, now)
		if len(l.answered) > historyLen {
			l.answered = l.answered[len(l.answered)-historyLen:]
		}
	}
	switch {
	case got == served:
		if t.probe { // answers to requests sent before the 429 say nothing
			l.opened, l.probe = now, false // a window opened no later
		}
		if len(l.stated) == 0 {
			l.grow(now)
		}
	case got == throttled && stated.Limit > 0:
		l.learn(stated)
		l.holdFor(stated, now, apiErr)
	case got == throttled && len(l.stated) == 0 && t.cuts == l.cuts:
		l.cut(now) // one cut per pace: a 429 to a request sent before says nothing of the new one
	}
}

// learn records a stated limit (replacing one of the same window) and its pace.
func (l *limiter) learn(s Throttle) {
	known := false
	for i, old := range l.stated {
		if old.Window == s.Window {
			l.stated[i], known = s, true
		}
	}
	if !known {
		l.stated = append(l.stated, s)
	}
	l.pace = nil
	if !apiTraits[l.api].spread {
		return
	}
	slowest := l.stated[0]
	for _, s := range l.stated[1:] {
		if float64(s.Limit)/s.Window.Seconds() < float64(slowest.Limit)/slowest.Window.Seconds() {
			slowest = s
		}
	}
	l.pace = rate.NewLimiter(rate.Limit(float64(slowest.Limit)/slowest.Window.Seconds()), max(1, slowest.Limit/spreadAfter))
}

// holdFor holds the API after a 429 stating s at now until the window
// can have freed. When this process's answers fill it, until the oldest of
// them leaves. Otherwise other processes share it, and the hold ends at the
// next window after the one a probe was last seen to open (windows follow
// one another while requests keep coming), or, when none is known, W ÷
// probesPerWindow later; never after the oldest of its own answers in the
// window leaves it. One request then goes alone (a probe): served, it
// dates the window's opening; refused, the hold starts again.
func (l *limiter) holdFor(s Throttle, now time.Time, apiErr error) {
	inWindow := l.answered
	for len(inWindow) > 0 && now.Sub(inWindow[0]) >= s.Window {
		inWindow = inWindow[1:]
	}
	var free time.Time
	switch {
	case len(inWindow) >= s.Limit:
		free = inWindow[len(inWindow)-s.Limit].Add(s.Window)
	case !l.opened.IsZero():
		// Windows follow one another from when one was seen to open.
		free = l.opened.Add((now.Sub(l.opened)/s.Window + 1) * s.Window)
		l.opened, l.probe = time.Time{}, true
	default:
		free = now.Add(s.Window / probesPerWindow)
		l.probe = true
	}
	if l.probe && len(inWindow) > 0 {
		free = minTime(free, inWindow[0].Add(s.Window))
	}
	free = free.Add(holdMargin + time.Duration(l.jitter()*holdJitter*float64(s.Window)))
	if free.After(l.hold) {
		l.hold, l.holdErr, l.holdLimit = free, apiErr, s
	}
}

// cut lowers the adaptive pace after a 429 that states no limit, to
// cutFactor × the rate the server accepted since the last cut (its bucket
// was empty then and is now) or, at the first, in the last acceptWindow.
func (l *limiter) cut(now time.Time) {
	current := maxRate
	if l.pace != nil {
		current = float64(l.pace.Limit())
	}
	var accepted float64
	measured := true
	if l.countedSince.IsZero() {
		for _, at := range l.recentServed {
			if now.Sub(at) <= acceptWindow {
				accepted++
			}
		}
		accepted /= acceptWindow.Seconds()
	} else {
		span := now.Sub(l.countedSince)
		accepted, measured = float64(l.served)/span.Seconds(), span >= minCountSpan
	}
	next := current / 2 // nothing served lately: back off hard
	switch {
	case !measured:
		next = current * quickCutFactor
	case accepted >= minRate:
		next = cutFactor * min(current, accepted)
	case l.cuts == 0:
		next = unknownQuotaRate
	}
	l.cuts++
	l.lastCut = now
	if measured {
		l.countedSince, l.served, l.recentServed = now, 0, nil
	}
	l.pace = rate.NewLimiter(rate.Limit(max(next, minRate)), 1)
	l.pace.AllowN(now, 1) // the server's bucket is empty: start from now
}

// grow raises the adaptive pace for one request served: in slow start
// the window grows by one; then the rate grows so that it doubles in a
// second at full pace (by probeGrowth within probeWindow of a cut). It
// grows with use only, so an idle spell does not end in a burst.
func (l *limiter) grow(now time.Time) {
	if l.cuts == 0 {
		l.window = min(l.window+1, maxWindow)
		keep := 0
		for keep < len(l.recentServed) && now.Sub(l.recentServed[keep]) > acceptWindow {
			keep++
		}
		l.recentServed = append(l.recentServed[keep:], now)
		return
	}
	l.served++
	perSecond := math.Ln2
	if now.Sub(l.lastCut) < probeWindow {
		perSecond = math.Log1p(probeGrowth)
	}
	r := float64(l.pace.Limit())
	l.pace.SetLimitAt(now, rate.Limit(min(r*math.Exp(perSecond/r), maxRate)))
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
