package vod

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// pendingShown is how many still-pending URLs a wait error lists.
const pendingShown = 5

// WaitError ends a wait that ctx stopped before the task completed. It says
// how long the wait ran and what it last saw.
type WaitError struct {
	TaskID  string
	Waited  time.Duration
	Polls   int
	Last    *Task // nil when no query succeeded
	LastErr error // the last failed query, if any
	Cause   error // context.DeadlineExceeded or context.Canceled
}

func (e *WaitError) Error() string {
	var b strings.Builder
	verb := "timed out"
	if errors.Is(e.Cause, context.Canceled) {
		verb = "cancelled"
	}
	fmt.Fprintf(&b, "%s after %s waiting for preheat task %s to complete (%s)", verb, roundDuration(e.Waited), e.TaskID, plural(e.Polls, "poll"))
	switch {
	case e.Last != nil:
		fmt.Fprintf(&b, "; last seen: %s", e.Last.Summary())
		if pending := e.Last.PendingURLs(pendingShown); len(pending) > 0 {
			fmt.Fprintf(&b, "; still pending: %s", strings.Join(pending, ", "))
			if more := e.Last.Counts().Total - e.Last.Counts().Succeed - e.Last.Counts().Failed - len(pending); more > 0 {
				fmt.Fprintf(&b, " and %d more", more)
			}
		}
	default:
		b.WriteString("; no query answered yet")
	}
	if e.LastErr != nil {
		fmt.Fprintf(&b, "; last error: %v", e.LastErr)
	}
	return b.String()
}

func (e *WaitError) Unwrap() error { return e.Cause }

// roundDuration keeps a message readable: "2.1s", "4m10s", not "2.100349s".
func roundDuration(d time.Duration) time.Duration {
	if d >= 10*time.Second {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

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

// Wait polls until the task is complete, poll returns an error that is not
// ctx's, or ctx ends. Polls start at least interval apart; an interval of 0
// means the default schedule (DefaultPollGap). A throttled poll is retried
// by the client, after the server's Retry-After when it sends one. It is the
// single wait loop of the provider.
func Wait(ctx context.Context, taskID string, interval time.Duration, poll Poller) (Task, error) {
	return realClock.wait(ctx, taskID, interval, poll)
}

func (c clock) wait(ctx context.Context, taskID string, interval time.Duration, poll Poller) (Task, error) {
	start := c.now()
	werr := &WaitError{TaskID: taskID}
	stopped := func(cause error) (Task, error) {
		werr.Waited, werr.Cause = c.now().Sub(start), cause
		var last Task
		if werr.Last != nil {
			last = *werr.Last
		}
		return last, werr
	}
	for {
		if ctx.Err() != nil {
			return stopped(ctx.Err())
		}
		pollStart := c.now()
		task, err := poll(ctx)
		werr.Polls++
		var beyond *RetryBeyondDeadlineError
		switch {
		case err == nil:
		case ctx.Err() != nil:
			werr.LastErr = err
			return stopped(ctx.Err())
		case errors.As(err, &beyond):
			// The query gave up early because its next retry would land
			// after the deadline: the wait has timed out all the same.
			werr.LastErr = err
			return stopped(context.DeadlineExceeded)
		default:
			return task, err
		}
		werr.Last, werr.LastErr = &task, nil
		if task.Completed() {
			return task, nil
		}
		gap := interval
		if gap <= 0 {
			gap = DefaultPollGap(pollStart.Sub(start), c.jitter())
		}
		if c.sleep(ctx, pollStart.Add(gap).Sub(c.now())) != nil {
			return stopped(ctx.Err())
		}
	}
}
