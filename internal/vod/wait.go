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

// DefaultPollInterval is the gap between polls when the caller sets none.
const DefaultPollInterval = 5 * time.Second

// Wait polls until the task is complete, poll returns an error that is not
// ctx's, or ctx ends. Polls start at least interval apart; an interval of 0
// means the default schedule. It is the single wait loop of the provider.
func Wait(ctx context.Context, taskID string, interval time.Duration, poll Poller) (Task, error) {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	start := time.Now()
	werr := &WaitError{TaskID: taskID}
	stopped := func() (Task, error) {
		werr.Waited, werr.Cause = time.Since(start), ctx.Err()
		var last Task
		if werr.Last != nil {
			last = *werr.Last
		}
		return last, werr
	}
	for {
		if ctx.Err() != nil {
			return stopped()
		}
		pollStart := time.Now()
		task, err := poll(ctx)
		werr.Polls++
		if err != nil {
			if ctx.Err() != nil {
				werr.LastErr = err
				return stopped()
			}
			return task, err
		}
		werr.Last, werr.LastErr = &task, nil
		if task.Completed() {
			return task, nil
		}
		if sleepContext(ctx, time.Until(pollStart.Add(interval))) != nil {
			return stopped()
		}
	}
}
