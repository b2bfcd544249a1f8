package vod

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// scripted returns the tasks in order, then repeats the last one.
func scripted(tasks ...Task) (Poller, *int) {
	calls := 0
	return func(context.Context) (Task, error) {
		i := min(calls, len(tasks)-1)
		calls++
		return tasks[i], nil
	}, &calls
}

func TestWaitReturnsWhenComplete(t *testing.T) {
	poll, calls := scripted(taskOf(), taskOf("processing", "processing"), taskOf("succeed", "failed"))
	task, err := Wait(context.Background(), "t1", time.Millisecond, poll)
	if err != nil {
		t.Fatal(err)
	}
	if *calls != 3 || !task.Completed() || task.Counts().Failed != 1 {
		t.Fatalf("calls=%d task=%+v", *calls, task)
	}
}

func TestWaitKeepsPollingOnUnknownStatus(t *testing.T) {
	poll, calls := scripted(taskOf("queued"), taskOf("queued"), taskOf("succeed"))
	task, err := Wait(context.Background(), "t1", time.Millisecond, poll)
	if err != nil || *calls != 3 || !task.AllSucceeded() {
		t.Fatalf("err=%v calls=%d task=%+v", err, *calls, task)
	}
}

func TestWaitRespectsInterval(t *testing.T) {
	poll, calls := scripted(taskOf("processing"), taskOf("succeed"))
	start := time.Now()
	if _, err := Wait(context.Background(), "t1", 50*time.Millisecond, poll); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: the second poll may not come before the interval.
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond || *calls != 2 {
		t.Fatalf("elapsed=%s calls=%d", elapsed, *calls)
	}
}

func TestWaitTimeoutSaysWhatItLastSaw(t *testing.T) {
	poll, _ := scripted(taskOf("processing", "succeed", "processing"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := Wait(ctx, "t1", 5*time.Millisecond, poll)
	var waitErr *WaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a WaitError wrapping DeadlineExceeded", err)
	}
	msg := err.Error()
	for _, want := range []string{"timed out after", "task t1", "3 URLs: 2 processing, 1 succeed", "still pending: https://cdn.example.com/a.mp4, https://cdn.example.com/c.mp4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestWaitStopsOnCancelWithoutAnotherPoll(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	poll := func(context.Context) (Task, error) {
		calls++
		cancel() // Ctrl-C arrives while the first answer is being handled
		return taskOf("processing"), nil
	}
	done := make(chan error, 1)
	go func() { _, err := Wait(ctx, "t1", time.Hour, poll); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled after") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after cancellation")
	}
	if calls != 1 {
		t.Fatalf("polls after cancel: %d, want 1 in all", calls)
	}
}

func TestWaitReturnsAPIErrorsAtOnce(t *testing.T) {
	apiErr := &APIError{HTTPStatus: 400, ErrorCode: "VOD.10053"}
	calls := 0
	_, err := Wait(context.Background(), "t1", time.Millisecond, func(context.Context) (Task, error) {
		calls++
		return Task{}, apiErr
	})
	if !errors.Is(err, apiErr) || calls != 1 {
		t.Fatalf("err=%v calls=%d", err, calls)
	}
}
