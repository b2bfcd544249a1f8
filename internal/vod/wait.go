package vod

import (
	"context"
	"errors"
	"time"
)

// Poller queries a task once.
type Poller func(ctx context.Context) (Task, error)

// The default schedule (interval 0): the first query at once, then gaps of
// about MinPollGap, then gaps of PollGapFraction of the time already waited,
// capped at MaxPollGap. Each gap is shortened by up to a fifth at random, so
// that many waits started together do not poll in lockstep. A task that
// completes T after the first query is therefore seen at most
// max(MinPollGap, PollGapFraction·T) late, and a wait of T costs about
// log(T/10s)/log(1.18) + 6 queries instead of T/5s.
const (
	MinPollGap      = 2 * time.Second
	MaxPollGap      = time.Minute
	PollGapFraction = 0.2
)

// EmptyResultsTimeout is how long a wait accepts answers with no URLs for a
// task before it gives up on it: a new task is listed within seconds, and no
// source says what the API answers for an unknown task ID, so an empty list
// that lasts this long most likely means a wrong task ID or project.
const EmptyResultsTimeout = 2 * time.Minute

// DefaultPollGap is the default schedule's gap before the next query, after
// waiting for elapsed; jitter is in [0, 1).
func DefaultPollGap(elapsed time.Duration, jitter float64) time.Duration {
	gap := min(max(MinPollGap, time.Duration(PollGapFraction*float64(elapsed))), MaxPollGap)
	return time.Duration(float64(gap) * (1 - 0.2*jitter))
}

// clock is what a wait needs of time, so the schedule can be measured on a
// simulated clock.
type clock struct {
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	jitter func() float64
}

var realClock = clock{now: time.Now, sleep: sleepContext, jitter: randomJitter}

// Wait polls until the task is complete, poll returns an error that retrying
// cannot fix, or ctx ends. Polls start at least interval apart; an interval
// of 0 means the default schedule (DefaultPollGap). A poll that fails in a
// way worth retrying (throttled, 5xx, no answer, an undecodable answer; see
// worthAnotherTry) is retried on the same schedule until ctx ends: the wait's own
// deadline, not max_retries, bounds it. It is the one-task case of the
// single wait loop (waiter.run), which the preheat flow also uses.
//
// A stop by ctx, or by a task that keeps answering with no URLs, returns a
// *WaitError; any other final error is returned as poll gave it.
func Wait(ctx context.Context, taskID string, interval time.Duration, poll Poller) (Task, error) {
	return realClock.wait(ctx, taskID, interval, poll)
}

func (c clock) wait(ctx context.Context, taskID string, interval time.Duration, poll Poller) (Task, error) {
	w := newWaiter(c, interval, func(ctx context.Context, _ string) (Task, error) { return poll(ctx) })
	t := w.add(taskID)
	err := w.run(ctx, waitHooks{})
	var last Task
	if t.last != nil {
		last = *t.last
	}
	var werr *WaitError
	if errors.As(err, &werr) && !isContextError(werr.Cause) && !isEmptyResults(werr.Cause) {
		// A final answer (401, 404, ...) is the caller's to describe.
		return last, werr.Cause
	}
	return last, err
}

// waitTask is one task a wait follows.
type waitTask struct {
	id         string
	joined     time.Time // its schedule counts from here
	next       time.Time // not polled before this
	polls      int
	last       *Task // nil until a query answered
	lastErr    error // the last failed query since the last answer
	emptySince time.Time
	done       bool
	// sent is the URLs the task was created with (nil for an asset alone,
	// or a task the wait did not create): it is done only once each of them
	// is listed and has ended, or after NotListedAfter answers that end
	// every listed URL without listing one of them.
	sent []string
	// unlistedAnswers counts those answers in a row.
	unlistedAnswers int
}

// waiter is the state of the single wait loop: the tasks it follows, how
// to query one, and what it saw.
type waiter struct {
	clock
	interval time.Duration
	query    func(ctx context.Context, taskID string) (Task, error)
	// project names the project for the empty-list error; "" says "this project".
	project func() string

	start   time.Time
	tasks   []*waitTask
	polls   int
	lastErr error
	// reached is set once the endpoint has answered (or a task was created):
	// until then a query that could not connect ends the wait, since an
	// endpoint that never answered is most likely wrong, not down.
	reached bool
}

func newWaiter(c clock, interval time.Duration, query func(context.Context, string) (Task, error)) *waiter {
	return &waiter{clock: c, interval: interval, query: query, start: c.now()}
}

// add makes the wait follow taskID from now on; its first poll is due at once.
func (w *waiter) add(taskID string) *waitTask {
	now := w.now()
	t := &waitTask{id: taskID, joined: now, next: now}
	w.tasks = append(w.tasks, t)
	return t
}

// due returns the unfinished task whose poll is due first, or nil.
func (w *waiter) due() *waitTask {
	var first *waitTask
	for _, t := range w.tasks {
		if !t.done && (first == nil || t.next.Before(first.next)) {
			first = t
		}
	}
	return first
}

// waitHooks let the preheat flow feed tasks into a running wait and act on
// its answers. Every hook runs in the loop's goroutine; all may be nil.
type waitHooks struct {
	// events delivers work done elsewhere (a task created); the loop runs
	// each, and a non-nil error ends the wait with that error.
	events <-chan func() error
	// pending reports whether events are still to come: while it does, the
	// wait does not end when every task it follows has completed.
	pending func() bool
	// step runs at the top of each round (to start the next create, say).
	step func()
	// answered runs after each answered poll.
	answered func(*waitTask)
}

// run polls the unfinished tasks, each on its own schedule, until all are
// complete and no event is pending, or it has to stop. A stop by ctx, by a
// final poll error or by a task answering with no URLs for
// EmptyResultsTimeout returns a *WaitError; an event's error is returned as
// it is.
func (w *waiter) run(ctx context.Context, hooks waitHooks) error {
	for {
		if hooks.step != nil {
			hooks.step()
		}
		if ctx.Err() != nil {
			return w.stopped(ctx.Err())
		}
		next := w.due()
		pending := hooks.pending != nil && hooks.pending()
		switch {
		case next == nil && !pending:
			return nil
		case next == nil:
			// Nothing to poll until a task joins.
			select {
			case <-ctx.Done():
				return w.stopped(ctx.Err())
			case event := <-hooks.events:
				if err := event(); err != nil {
					return err
				}
			}
			continue
		}
		if wait := next.next.Sub(w.now()); wait > 0 {
			event, err := w.pause(ctx, wait, hooks.events)
			switch {
			case err != nil:
				return w.stopped(err)
			case event != nil:
				if err := event(); err != nil {
					return err
				}
			}
			continue
		}
		if err := w.poll(ctx, next); err != nil {
			return err
		}
		if next.last != nil && next.lastErr == nil && hooks.answered != nil {
			hooks.answered(next)
		}
	}
}

// pause sleeps for d, or until an event arrives, which it returns.
func (w *waiter) pause(ctx context.Context, d time.Duration, events <-chan func() error) (func() error, error) {
	if events == nil {
		return nil, w.sleep(ctx, d)
	}
	sleepCtx, cancel := context.WithCancel(ctx)
	got := make(chan func() error, 1)
	go func() {
		select {
		case event := <-events:
			cancel()
			got <- event
		case <-sleepCtx.Done():
			got <- nil
		}
	}()
	_ = w.sleep(sleepCtx, d) // ended early by an event or by ctx, told apart below
	cancel()
	if event := <-got; event != nil {
		return event, nil
	}
	return nil, ctx.Err()
}

// poll queries t once and schedules its next poll. It returns a *WaitError
// when the wait must stop.
func (w *waiter) poll(ctx context.Context, t *waitTask) error {
	sentAt := w.now()
	task, err := w.query(ctx, t.id)
	t.polls++
	w.polls++
	if !neverConnectedError(err) {
		w.reached = true // an answer, or at least a connection
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.lastErr, w.lastErr = err, err
		return w.stopped(ctx.Err())
	case pastDeadline(err):
		// The query gave up early because its next retry, or the query
		// limiter's next slot, would come after the deadline: the wait has
		// timed out all the same.
		t.lastErr, w.lastErr = err, err
		return w.stopped(context.DeadlineExceeded)
	case !w.reached && neverConnectedError(err):
		// The query already tried max_retries times.
		t.lastErr, w.lastErr = err, err
		return w.stopped(err)
	case worthAnotherTry(err):
		// Throttling, an outage, no answer: the wait's own deadline bounds
		// these, so try again on the schedule.
		t.lastErr, w.lastErr = err, err
		t.next = sentAt.Add(w.gap(t, sentAt))
		return nil
	default:
		t.lastErr, w.lastErr = err, err
		return w.stopped(err)
	}
	task.ID = t.id
	t.last, t.lastErr = &task, nil
	if task.Completed() && len(task.Unlisted(t.sent)) > 0 {
		t.unlistedAnswers++
	} else {
		t.unlistedAnswers = 0
	}
	switch {
	case task.Completed() && (t.unlistedAnswers == 0 || t.unlistedAnswers >= NotListedAfter):
		t.done = true
		return nil
	case len(task.Results) > 0:
		t.emptySince = time.Time{}
	case t.emptySince.IsZero():
		t.emptySince = sentAt
	case sentAt.Sub(t.emptySince) >= EmptyResultsTimeout:
		project := ""
		if w.project != nil {
			project = w.project()
		}
		return w.stopped(&EmptyResultsError{TaskID: t.id, ProjectID: project, For: sentAt.Sub(t.emptySince)})
	}
	t.next = sentAt.Add(w.gap(t, sentAt))
	return nil
}

// gap is the pause after a poll of t sent at sentAt.
func (w *waiter) gap(t *waitTask, sentAt time.Time) time.Duration {
	gap := w.interval
	if gap <= 0 {
		gap = DefaultPollGap(sentAt.Sub(t.joined), w.jitter())
	}
	return gap
}

// stopped is the wait's error for a stop by cause, saying what it last saw.
func (w *waiter) stopped(cause error) *WaitError {
	werr := &WaitError{Waited: w.now().Sub(w.start), Polls: w.polls, LastErr: w.lastErr, Cause: cause, Tasks: len(w.tasks)}
	for _, t := range w.tasks {
		if t.done {
			continue
		}
		werr.Unfinished = append(werr.Unfinished, t.id)
		if t.last != nil {
			werr.Seen = append(werr.Seen, *t.last)
		}
	}
	if len(w.tasks) == 1 {
		werr.TaskID, werr.Last = w.tasks[0].id, w.tasks[0].last
	}
	return werr
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// neverConnectedError reports a request none of whose attempts connected.
func neverConnectedError(err error) bool {
	var transportErr *TransportError
	return err != nil && errors.As(err, &transportErr) && transportErr.NeverConnected()
}

func isEmptyResults(err error) bool { return errors.As(err, new(*EmptyResultsError)) }
