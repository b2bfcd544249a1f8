package vod

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWaitErrorOverManyTasks(t *testing.T) {
	err := &WaitError{Waited: 5 * time.Minute, Polls: 40, Cause: context.DeadlineExceeded, Tasks: 3,
		Unfinished: []string{"t2", "t3"}, Seen: []Task{taskOf("processing", "succeed")},
		LastErr: errors.New("HTTP 503")}
	want := "timed out after 5m waiting for 2 of 3 preheat tasks (t2, t3) to complete (40 polls); " +
		"last seen: 2 URLs: 1 processing, 1 succeed (1 unfinished tasks never answered); " +
		"still pending: https://cdn.example.com/a.mp4; last error: HTTP 503"
	if err.Error() != want {
		t.Fatalf("Error() =\n%q\nwant\n%q", err, want)
	}
}

func TestWaitErrorNamesAFinalCauseOnce(t *testing.T) {
	cause := &APIError{HTTPStatus: 401, ErrorCode: "APIGW.0301"}
	err := &WaitError{TaskID: "t1", Tasks: 1, Polls: 1, Cause: cause, LastErr: cause}
	msg := err.Error()
	if !strings.HasPrefix(msg, "stopped after 0s waiting for preheat task t1 to complete (1 poll): ") ||
		strings.Count(msg, "APIGW.0301") != 1 || !errors.Is(err, cause) {
		t.Fatalf("Error() = %q", msg)
	}
	// A WaitError built without Tasks (by older callers) reads as one task's.
	if got := (&WaitError{TaskID: "t1", Cause: context.Canceled}).Error(); !strings.HasPrefix(got, "cancelled after 0s waiting for preheat task t1") {
		t.Fatalf("Error() = %q", got)
	}
}
