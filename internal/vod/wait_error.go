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

// WaitError ends a wait that stopped before its tasks completed: ctx ended
// (Cause is context.DeadlineExceeded or context.Canceled), a query failed in
// a way retrying cannot fix (Cause is that error), or a task kept answering
// with no URLs (Cause is an *EmptyResultsError). It says how long the wait
// ran and what it last saw.
type WaitError struct {
	TaskID  string // the task, when the wait followed one
	Waited  time.Duration
	Polls   int
	Last    *Task // the one task's last answer; nil when none came or the wait followed several
	LastErr error // the last failed query, if any
	Cause   error

	Tasks      int      // tasks the wait followed
	Unfinished []string // IDs of those not complete, in the order they joined
	Seen       []Task   // the last answer of each unfinished task that had one
}

func (e *WaitError) Error() string {
	var b strings.Builder
	verb := "stopped"
	switch {
	case errors.Is(e.Cause, context.Canceled):
		verb = "cancelled"
	case errors.Is(e.Cause, context.DeadlineExceeded):
		verb = "timed out"
	}
	what := "preheat task " + e.TaskID
	if e.Tasks > 1 {
		what = fmt.Sprintf("%d of %s", len(e.Unfinished), plural(e.Tasks, "preheat task"))
		if len(e.Unfinished) > 0 && len(e.Unfinished) <= pendingShown {
			what += " (" + strings.Join(e.Unfinished, ", ") + ")"
		}
	}
	fmt.Fprintf(&b, "%s after %s waiting for %s to complete (%s)", verb, DurationText(e.Waited), what, plural(e.Polls, "poll"))
	if !isContextError(e.Cause) && e.Cause != nil {
		fmt.Fprintf(&b, ": %v", e.Cause)
	}
	seen := e.Seen
	if e.Last != nil {
		seen = []Task{*e.Last}
	}
	switch {
	case len(seen) > 0:
		last := Task{}
		for _, t := range seen {
			last.Results = append(last.Results, t.Results...)
		}
		fmt.Fprintf(&b, "; last seen: %s", last.Summary())
		if len(seen) < len(e.Unfinished) {
			fmt.Fprintf(&b, " (%d unfinished tasks never answered)", len(e.Unfinished)-len(seen))
		}
		if pending := last.PendingURLs(pendingShown); len(pending) > 0 {
			fmt.Fprintf(&b, "; still pending: %s", strings.Join(pending, ", "))
			c := last.Counts()
			if more := c.Total - c.Succeed - c.Failed - len(pending); more > 0 {
				fmt.Fprintf(&b, " and %d more", more)
			}
		}
	default:
		b.WriteString("; no query answered yet")
	}
	if e.LastErr != nil && !errors.Is(e.Cause, e.LastErr) {
		fmt.Fprintf(&b, "; last error: %v", e.LastErr)
	}
	return b.String()
}

func (e *WaitError) Unwrap() error { return e.Cause }

// EmptyResultsError is a task the API kept answering with an empty list of
// URLs for EmptyResultsTimeout: most likely a wrong task ID or project.
type EmptyResultsError struct {
	TaskID    string
	ProjectID string // "" when the client had not resolved it
	For       time.Duration
}

func (e *EmptyResultsError) Error() string {
	project := "in this project"
	if e.ProjectID != "" {
		project = "in project " + e.ProjectID
	}
	return fmt.Sprintf("the API returns no URLs for task %s %s: check task_id and the project (an empty list for %s)",
		e.TaskID, project, DurationText(e.For))
}
