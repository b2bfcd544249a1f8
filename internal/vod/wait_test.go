package vod

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
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
	poll := func(context.Context) (Task, error) { //nolint:unparam // a Poller
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

// TestDefaultScheduleHonoursRetryAfter checks a throttled poll of a wait on
// the default schedule waits for the server's Retry-After before retrying.
func TestDefaultScheduleHonoursRetryAfter(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	h.emu.InjectFaults(1, emulator.Fault429("7"))
	task, err := Wait(context.Background(), testTask, 0, func(ctx context.Context) (Task, error) {
		return h.client.QueryPreheating(ctx, testTask)
	})
	if err != nil || !task.AllSucceeded() {
		t.Fatalf("task %+v, err %v", task, err)
	}
	if len(h.sleeps) != 1 || h.sleeps[0] != 7*time.Second {
		t.Fatalf("slept %v before retrying, want the 7s Retry-After", h.sleeps)
	}
}

// waitOutcome is what one simulated wait cost: queries sent and how late the
// completion was seen.
type waitOutcome struct {
	polls int
	lag   time.Duration
}

// simulateWait runs the wait loop on a simulated clock (sleeping moves time
// on) against a task that completes `done` after the first query, each query
// taking `latency`.
func simulateWait(t testing.TB, done, interval, latency time.Duration, rng *rand.Rand) waitOutcome {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	sim := clock{
		now: func() time.Time { return now },
		sleep: func(ctx context.Context, d time.Duration) error {
			if d > 0 {
				now = now.Add(d)
			}
			return ctx.Err()
		},
		jitter: rng.Float64,
	}
	var out waitOutcome
	poll := func(context.Context) (Task, error) {
		out.polls++
		sentAt := now
		now = now.Add(latency)
		if sentAt.Sub(start) >= done {
			out.lag = sentAt.Sub(start.Add(done))
			return taskOf("succeed"), nil
		}
		return taskOf("processing"), nil
	}
	if _, err := sim.wait(context.Background(), "t1", interval, poll); err != nil {
		t.Fatalf("wait: %v", err)
	}
	return out
}

// scheduleCases are the task durations, deliberately off any poll
// gap's multiples.
var scheduleCases = []time.Duration{
	10*time.Second + 700*time.Millisecond,
	31*time.Second + 300*time.Millisecond,
	2*time.Minute + 3100*time.Millisecond,
	4*time.Minute + 57300*time.Millisecond,
	10*time.Minute + 11900*time.Millisecond,
}

// lagGoal is the detection-lag goal for a task of duration d.
func lagGoal(d time.Duration) time.Duration { return max(2*time.Second, d/5) }

// scheduleFigures runs each case `runs` times with different jitter,
// latencies up to 300ms and durations spread ±10% around it. It returns the
// worst lag as a share of its goal, and the mean queries per case for the
// default schedule and for a fixed 5s poll.
func scheduleFigures(t testing.TB, runs int) (worstLagShare float64, ours, fixed []float64) {
	ours, fixed = make([]float64, len(scheduleCases)), make([]float64, len(scheduleCases))
	rng := rand.New(rand.NewPCG(1, 2))
	for i, base := range scheduleCases {
		for range runs {
			done := time.Duration(float64(base) * (0.9 + 0.2*rng.Float64()))
			latency := time.Duration(rng.IntN(300)) * time.Millisecond
			o := simulateWait(t, done, 0, latency, rng)
			f := simulateWait(t, done, 5*time.Second, latency, rng)
			worstLagShare = max(worstLagShare, float64(o.lag)/float64(lagGoal(done)))
			ours[i] += float64(o.polls) / float64(runs)
			fixed[i] += float64(f.polls) / float64(runs)
		}
	}
	return worstLagShare, ours, fixed
}

func sum(xs []float64) (total float64) {
	for _, x := range xs {
		total += x
	}
	return total
}

// TestDefaultScheduleMeetsItsGoals checks the schedule's two promises on a
// simulated clock: every completion is seen within max(2s, 20% of the
// task's duration), and the five cases cost at most half the queries of a
// fixed 5s poll.
func TestDefaultScheduleMeetsItsGoals(t *testing.T) {
	worst, ours, fixed := scheduleFigures(t, 200)
	t.Logf("worst lag %.0f%% of goal; queries per case %v (fixed 5s: %v)", 100*worst, ours, fixed)
	if worst > 1 {
		t.Errorf("a completion was seen %.0f%% of the lag goal late", 100*worst)
	}
	if sum(ours) > sum(fixed)/2 {
		t.Errorf("default schedule sent %.1f queries over the five cases, more than half of fixed 5s's %.1f", sum(ours), sum(fixed))
	}
}

func TestDefaultPollGapGrowsWithTheWaitAndIsCapped(t *testing.T) {
	for _, c := range []struct {
		elapsed time.Duration
		jitter  float64
		want    time.Duration
	}{
		{0, 0, MinPollGap},
		{5 * time.Second, 0, MinPollGap},
		{time.Minute, 0, 12 * time.Second},
		{time.Minute, 0.5, 10800 * time.Millisecond},
		{time.Hour, 0, MaxPollGap},
		{time.Hour, 0.999999, 48 * time.Second},
	} {
		if got := DefaultPollGap(c.elapsed, c.jitter); got.Round(time.Millisecond) != c.want {
			t.Errorf("DefaultPollGap(%s, %v) = %s, want %s", c.elapsed, c.jitter, got, c.want)
		}
	}
}

// TestWaitWithoutIntervalPollsAtOnceThenOnTheSchedule checks the first
// query is not delayed and the gaps follow DefaultPollGap.
func TestWaitWithoutIntervalPollsAtOnceThenOnTheSchedule(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	var sentAt []time.Duration
	sim := clock{
		now:    func() time.Time { return now },
		sleep:  func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil },
		jitter: func() float64 { return 0 },
	}
	poll := func(context.Context) (Task, error) {
		sentAt = append(sentAt, now.Sub(start))
		if len(sentAt) == 40 {
			return taskOf("succeed"), nil
		}
		return taskOf("processing"), nil
	}
	if _, err := sim.wait(context.Background(), "t1", 0, poll); err != nil {
		t.Fatal(err)
	}
	if sentAt[0] != 0 || sentAt[1] != MinPollGap {
		t.Fatalf("first polls at %v, want 0 then %s", sentAt[:2], MinPollGap)
	}
	for i := 1; i < len(sentAt); i++ {
		if gap, want := sentAt[i]-sentAt[i-1], DefaultPollGap(sentAt[i-1], 0); gap != want {
			t.Fatalf("gap before poll %d is %s, want %s (polls at %v)", i+1, gap, want, sentAt)
		}
	}
	if last := sentAt[len(sentAt)-1] - sentAt[len(sentAt)-2]; last != MaxPollGap {
		t.Fatalf("last gap %s, want the cap %s", last, MaxPollGap)
	}
}

// BenchmarkDefaultSchedule reports the schedule's figures for bench/run.sh:
// queries over the five cases for it and for a fixed 5s poll, and the worst
// detection lag as a percentage of its goal.
func BenchmarkDefaultSchedule(b *testing.B) {
	var worst float64
	var ours, fixed []float64
	for b.Loop() {
		worst, ours, fixed = scheduleFigures(b, 100)
	}
	b.ReportMetric(sum(ours), "queries")
	b.ReportMetric(sum(fixed), "queries-fixed5s")
	b.ReportMetric(100*worst, "worst-lag-%goal")
}
