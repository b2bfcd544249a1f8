package vod

import (
	"context"
	"sync"
	"time"
)

// A budget paces the requests of one API of the gateway: creates and
// queries have one each, since Huawei counts them apart, so a create's 429
// does not slow the queries nor the other way round. Both live in the
// Client and are shared by every request of the process.
//
// A budget paces to what it knows. Until a 429 states the gateway's limit
// it is the adaptive limiter (slow start, then AIMD on the 429s). Once a 429
// states "limit:N,time:W" it keeps at most N of its own requests in any W
// (counted from their answers, which come after the gateway counted them),
// queries spread over the window and creates in bursts (see spread), and
// on each stated 429 it holds every request until the window can have
// freed:
//   - when its own answers fill the window, exactly when the oldest of them
//     leaves it;
//   - when they do not (other processes of the tenant share the window),
//     when the oldest of its own answers in the window leaves it, as if
//     the window began no later than that (true when pipelines start
//     together), but at most probesPerWindow-th of a window later: the
//     window may have begun before, so it probes. After such a hold one
//     request goes alone, and the others follow once it is served, so
//     that a process spends one 429 on each probe, not one per request.
//
// Each hold ends after a jitter of up to holdJitter of the window, so that
// processes that learned the same window do not retry in lockstep.
type budget struct {
	api      string // "create" or "query", for messages
	adaptive *limiter
	spacing  *spacing // the user's cap, shared by the client's budgets
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	jitter   func() float64

	mu        sync.Mutex
	limits    []Throttle  // stated by the gateway; empty until a 429 states one
	answered  []time.Time // the latest served answers, oldest first (at most historyLen)
	inFlight  int         // let through by the stated pace and not answered yet
	hold      time.Time   // nobody is let through before
	holdErr   error       // the 429 that set the hold, for a request refused by it
	holdLimit Throttle    // the limit it stated
	probe     bool        // after a shared hold one request goes alone
	gen       int         // bumped by each hold: places given before are void
	freed     chan struct{}
	// spread keeps a stated pace's requests a window ÷ limit apart, once
	// a spreadAfter-th of the window is its own, rather than letting a
	// window's worth out at once: for queries, whose waits would otherwise
	// spend the window in its first seconds and then see nothing until it
	// frees, while a plan's few remaining reads still go together. Creates
	// go in bursts: a release's creates are done sooner all at once when
	// the window frees.
	spread   bool
	lastSlot time.Time
}

const (
	historyLen = 1000 // answers remembered: the largest stated limit that is paced exactly
	holdJitter = 0.01 // of the window
	holdMargin = 10 * time.Millisecond
	// probesPerWindow bounds how late a shared window is seen to free: a
	// probe at most every window ÷ this.
	probesPerWindow = 6
	spreadAfter     = 4 // a spread budget lets a quarter of the window out at once
)

func newBudget(api string, adaptive *limiter, spacing *spacing) *budget {
	return &budget{api: api, adaptive: adaptive, spacing: spacing, now: time.Now, sleep: sleepContext,
		jitter: randomJitter, freed: make(chan struct{})}
}

// pass is a place given by a budget, for observe.
type pass struct {
	adaptive ticket
	stated   bool // given by the stated pace (else by the adaptive one)
	placed   bool // holds a place of the stated pace
	probe    bool
	gen      int
}

// wait blocks until the caller may send, or returns an error without
// waiting when the next slot is past ctx's deadline.
func (b *budget) wait(ctx context.Context) (pass, error) {
	var p pass
	for {
		deadline, _ := ctx.Deadline()
		slot, next, freed, err := b.step(p, deadline)
		if err != nil {
			return pass{}, err
		}
		if freed != nil { // wait for an answer to free a place
			select {
			case <-ctx.Done():
				return pass{}, ctx.Err()
			case <-freed:
				continue
			}
		}
		p = next
		if d := slot.Sub(b.now()); d > 0 {
			if err := b.sleep(ctx, d); err != nil {
				b.cancel(p)
				return pass{}, err
			}
		}
		if err := ctx.Err(); err != nil {
			b.cancel(p)
			return pass{}, err
		}
		if b.confirm(p) {
			return p, nil
		}
	}
}

// step takes the next place, giving back what prev holds except the
// adaptive pace's window place, which a caller keeps while it waits. It
// returns the slot to send at; or a channel closed when an answer may free
// a place, to try again then; or, without taking anything, an error when
// the slot is past deadline (if not zero).
func (b *budget) step(prev pass, deadline time.Time) (time.Time, pass, <-chan struct{}, error) {
	b.mu.Lock()
	stated := len(b.limits) > 0
	b.mu.Unlock()
	if prev.placed {
		b.unreserve()
	}
	if stated {
		if !prev.stated {
			b.adaptive.release(prev.adaptive)
		}
		return b.reserve(deadline)
	}
	slot, t, freed := b.adaptive.reserve(prev.adaptive)
	if freed != nil {
		return slot, prev, freed, nil
	}
	p := pass{adaptive: t}
	slot = b.spacing.peek(slot)
	if !deadline.IsZero() && slot.After(deadline) {
		b.adaptive.release(t)
		now := b.now()
		return slot, pass{}, nil, &SlotBeyondDeadlineError{API: b.api, Delay: slot.Sub(now), Left: deadline.Sub(now)}
	}
	b.spacing.take(slot)
	return slot, p, nil, nil
}

// confirm reports whether p's place still holds at its slot: no cut of the
// adaptive pace, no hold and no stated limit learned meanwhile.
func (b *budget) confirm(p pass) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p.stated {
		return p.gen == b.gen
	}
	return len(b.limits) == 0 && b.adaptive.current(p.adaptive)
}

// cancel gives back every place p holds: its request will not be sent.
func (b *budget) cancel(p pass) {
	if p.placed {
		b.unreserve()
	}
	if !p.stated {
		b.adaptive.release(p.adaptive)
	}
}

// reserve computes the next slot at the stated pace and takes it, or
// returns a channel closed when an answer may free one.
func (b *budget) reserve(deadline time.Time) (time.Time, pass, <-chan struct{}, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	p := pass{stated: true, gen: b.gen}
	if b.probe && b.inFlight > 0 {
		return now, p, b.freed, nil
	}
	slot := maxTime(now, b.hold)
	for _, limit := range b.limits {
		s, full := b.slotFor(limit)
		if full {
			return now, p, b.freed, nil
		}
		slot = maxTime(slot, s)
	}
	if b.spread {
		for _, limit := range b.limits {
			if b.ownInWindow(limit, now) >= limit.Limit/spreadAfter {
				slot = maxTime(slot, b.lastSlot.Add(limit.Window/time.Duration(limit.Limit)))
			}
		}
	}
	slot = b.spacing.peek(slot)
	if !deadline.IsZero() && slot.After(deadline) {
		return now, pass{}, nil, b.beyond(slot, deadline, now)
	}
	b.spacing.take(slot)
	b.lastSlot = maxTime(b.lastSlot, slot)
	b.inFlight++
	p.placed, p.probe = true, b.probe
	return slot, p, nil, nil
}

// ownInWindow counts this budget's requests in flight or answered less
// than a window before now.
func (b *budget) ownInWindow(limit Throttle, now time.Time) int {
	n := b.inFlight
	for i := len(b.answered) - 1; i >= 0 && now.Sub(b.answered[i]) < limit.Window; i-- {
		n++
	}
	return n
}

// slotFor is the earliest time at which fewer than limit.Limit of this
// budget's requests (in flight, or answered less than a window before) are
// in the window; full means only an answer in flight can tell.
func (b *budget) slotFor(limit Throttle) (time.Time, bool) {
	drop := len(b.answered) + b.inFlight - (limit.Limit - 1)
	switch {
	case drop <= 0:
		return time.Time{}, false
	case drop > len(b.answered):
		return time.Time{}, true
	}
	return b.answered[drop-1].Add(limit.Window + holdMargin), false
}

// beyond is the error for a slot past the deadline: it names the limit
// that put the slot there.
func (b *budget) beyond(slot, deadline, now time.Time) error {
	err := &SlotBeyondDeadlineError{API: b.api, Delay: slot.Sub(now), Left: deadline.Sub(now), Last: b.holdErr}
	latest := b.hold
	err.Stated = b.holdLimit
	for _, l := range b.limits {
		if s, _ := b.slotFor(l); s.After(latest) {
			latest, err.Stated = s, l
		}
	}
	return err
}

func (b *budget) unreserve() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight--
	b.notifyLocked()
}

func (b *budget) notifyLocked() {
	close(b.freed)
	b.freed = make(chan struct{})
}

// observe feeds back what came of a request let through with p: got, the
// limit a 429 stated (if any), and the server's Retry-After.
func (b *budget) observe(p pass, got answer, stated Throttle, apiErr error, retryAfter time.Duration) {
	if !p.stated {
		adaptiveGot := got
		if stated.Limit > 0 {
			adaptiveGot = noAnswer // the stated pace takes over: no cut
		}
		b.adaptive.observe(p.adaptive, adaptiveGot, retryAfter)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if p.placed {
		b.inFlight--
	}
	switch got {
	case served:
		b.answered = append(b.answered, now)
		if len(b.answered) > historyLen {
			b.answered = b.answered[len(b.answered)-historyLen:]
		}
		if p.probe {
			b.probe = false
		}
	case throttled:
		if stated.Limit > 0 {
			b.learn(stated)
			b.holdFor(stated, now, apiErr)
		}
	}
	if retryAfter > 0 && now.Add(retryAfter).After(b.hold) {
		b.hold = now.Add(retryAfter)
		b.gen++
	}
	b.notifyLocked()
}

// learn records a stated limit, replacing one of the same window.
func (b *budget) learn(t Throttle) {
	for i, l := range b.limits {
		if l.Window == t.Window {
			b.limits[i] = t
			return
		}
	}
	b.limits = append(b.limits, t)
}

// holdFor holds the budget after a 429 stating t at now, until the window
// can have freed (see budget).
func (b *budget) holdFor(t Throttle, now time.Time, apiErr error) {
	inWindow := b.answered
	for len(inWindow) > 0 && now.Sub(inWindow[0]) >= t.Window {
		inWindow = inWindow[1:]
	}
	var free time.Time
	switch {
	case len(inWindow) >= t.Limit: // the window is all ours
		free = inWindow[len(inWindow)-t.Limit].Add(t.Window)
	case len(inWindow) > 0: // shared with other processes
		free = minTime(inWindow[0].Add(t.Window), now.Add(t.Window/probesPerWindow))
		b.probe = true
	default:
		free = now.Add(t.Window / probesPerWindow)
		b.probe = true
	}
	free = minTime(free, now.Add(t.Window))
	free = free.Add(holdMargin + time.Duration(b.jitter()*holdJitter*float64(t.Window)))
	if free.After(b.hold) {
		b.hold, b.holdErr, b.holdLimit = free, apiErr, t
	}
	b.gen++
}

// spacing keeps every request of a client at least gap apart: the user's
// max_requests_per_second, which caps the budgets together.
type spacing struct {
	mu   sync.Mutex
	gap  time.Duration // zero: no cap
	next time.Time
}

func newSpacing(perSecond float64) *spacing {
	s := &spacing{}
	if perSecond > 0 {
		s.gap = time.Duration(float64(time.Second) / perSecond)
	}
	return s
}

// peek returns the earliest slot at or after at that the cap allows.
func (s *spacing) peek(at time.Time) time.Time {
	if s.gap == 0 {
		return at
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return maxTime(at, s.next)
}

// take spends the slot at.
func (s *spacing) take(at time.Time) {
	if s.gap == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = maxTime(at, s.next).Add(s.gap)
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
