package vod

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
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
	// A task that never ends, on a simulated clock: the deadline comes
	// after several polls however busy the machine is.
	poll, calls := scripted(taskOf("processing", "succeed", "processing"))
	sim := newSimTime()
	ctx := withSimDeadline(sim, 30*time.Second)
	_, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 5*time.Second, poll)
	if *calls < 2 {
		t.Fatalf("%d polls before the deadline, want several", *calls)
	}
	var waitErr *WaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a WaitError wrapping DeadlineExceeded", err)
	}
	msg := err.Error()
	for _, want := range []string{"timed out after 30s", "task t1", "3 URLs: 2 processing, 1 succeed", "still pending: https://cdn.example.com/a.mp4, https://cdn.example.com/c.mp4"} {
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

// simTime is a simulated clock safe for concurrent use: sleeping moves it
// on at once. The emulator can read it too (emulator.Config.Now).
type simTime struct {
	mu       sync.Mutex
	t, start time.Time
}

func newSimTime() *simTime {
	start := time.Now() // the emulator checks X-Sdk-Date, sent in real time, against it
	return &simTime{t: start, start: start}
}

func (s *simTime) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t
}

// elapsed is the simulated time since the start.
func (s *simTime) elapsed() time.Duration { return s.now().Sub(s.start) }

func (s *simTime) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		s.mu.Lock()
		s.t = s.t.Add(d)
		s.mu.Unlock()
	}
	return ctx.Err()
}

func (s *simTime) clock() clock {
	return clock{now: s.now, sleep: s.sleep, jitter: func() float64 { return 0 }}
}

// simDeadline is a context whose deadline is on the simulated clock: it
// ends, with context.DeadlineExceeded, once a sleep takes the clock past it.
type simDeadline struct {
	context.Context
	sim  *simTime
	at   time.Time
	once sync.Once
	done chan struct{}
}

func withSimDeadline(sim *simTime, after time.Duration) *simDeadline {
	return &simDeadline{Context: context.Background(), sim: sim, at: sim.now().Add(after), done: make(chan struct{})}
}

func (c *simDeadline) Deadline() (time.Time, bool) { return c.at, true }

func (c *simDeadline) Done() <-chan struct{} {
	if !c.sim.now().Before(c.at) {
		c.once.Do(func() { close(c.done) })
	}
	return c.done
}

func (c *simDeadline) Err() error {
	select {
	case <-c.Done():
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// simSleep is the simulated clock's sleep, ending at the deadline of a
// simDeadline.
func (s *simTime) clockWithDeadline(ctx *simDeadline) clock {
	c := s.clock()
	c.sleep = func(sleepCtx context.Context, d time.Duration) error {
		if left := ctx.at.Sub(s.now()); d >= left {
			_ = s.sleep(context.Background(), left)
			ctx.Done()
			return context.DeadlineExceeded
		}
		return s.sleep(sleepCtx, d)
	}
	return c
}

var errOutage = &RetriesExhaustedError{Attempts: 4, Last: &APIError{Method: "GET", Path: "/v1.0/p/asset/preheating", HTTPStatus: 503, ErrorCode: "APIGW.0613"}}

// TestWaitSurvivesAnOutageOfRetryableErrors checks a 40 s outage of
// retryable errors (the client's retries exhausted, or no answer at all)
// does not end a wait whose deadline is 5 minutes ahead: it polls on its
// schedule through it and returns the completed task.
func TestWaitSurvivesAnOutageOfRetryableErrors(t *testing.T) {
	for _, outage := range []error{
		errOutage,
		&TransportError{Method: "GET", What: "connection refused", Err: errors.New("refused")},
		&AttemptTimeoutError{Method: "GET", Timeout: time.Minute, Attempt: 1, MaxAttempts: 1},
		&DecodeError{Method: "GET", HTTPStatus: 200, Reason: "not JSON"},
		&APIError{HTTPStatus: 429, ErrorCode: "APIGW.0308"},
	} {
		sim := newSimTime()
		ctx := withSimDeadline(sim, 5*time.Minute)
		polls, failures := 0, 0
		task, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 0, func(context.Context) (Task, error) {
			polls++
			if sim.elapsed() < 40*time.Second {
				failures++
				return Task{}, outage
			}
			return taskOf("succeed"), nil
		})
		if err != nil || !task.AllSucceeded() {
			t.Fatalf("%T: the wait ended with %v after %d polls (%d failed), task %+v", outage, err, polls, failures, task)
		}
		if failures < 5 {
			t.Fatalf("%T: only %d polls failed: the outage was not simulated", outage, failures)
		}
	}
}

// TestWaitTimesOutThroughAnOutageSayingWhatItSaw checks an outage that
// outlasts the deadline ends the wait at its deadline with what it last saw
// and the last error.
func TestWaitTimesOutThroughAnOutageSayingWhatItSaw(t *testing.T) {
	sim := newSimTime()
	ctx := withSimDeadline(sim, 5*time.Minute)
	polls := 0
	_, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 0, func(context.Context) (Task, error) {
		polls++
		if polls == 1 {
			return taskOf("processing", "succeed"), nil
		}
		return Task{}, errOutage
	})
	var werr *WaitError
	if !errors.As(err, &werr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a WaitError for the deadline", err)
	}
	if got := sim.elapsed(); got != 5*time.Minute {
		t.Fatalf("the wait ended after %s of simulated time, want its 5m deadline", got)
	}
	for _, want := range []string{"timed out after 5m", "last seen: 2 URLs: 1 processing, 1 succeed", "last error: gave up after 4 attempts", "HTTP 503"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestWaitEndsOnAFinalError checks errors retrying cannot fix end the wait
// at the first poll, as the poller returned them.
func TestWaitEndsOnAFinalError(t *testing.T) {
	for _, final := range []error{
		&APIError{HTTPStatus: 401, ErrorCode: "APIGW.0301"},
		&APIError{HTTPStatus: 403, ErrorCode: "VOD.10001"},
		&APIError{HTTPStatus: 404, ErrorCode: "APIGW.0101"},
		&RetriesExhaustedError{Attempts: 1, Last: &APIError{HTTPStatus: 400, ErrorCode: "VOD.10053"}},
		errors.New("something else"),
	} {
		sim := newSimTime()
		ctx := withSimDeadline(sim, 5*time.Minute) // where a wait retrying it would end
		polls := 0
		_, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 0, func(context.Context) (Task, error) {
			polls++
			return Task{}, final
		})
		if !errors.Is(err, final) || polls != 1 {
			t.Fatalf("%v: err %v after %d polls, want the error itself after 1", final, err, polls)
		}
	}
}

// TestWaitGivesUpOnAnEmptyListAfterItsBound checks a task answered with no
// URLs ends the wait after EmptyResultsTimeout of empty answers, naming the
// task and the project, and that a list that shows up in time is waited for.
func TestWaitGivesUpOnAnEmptyListAfterItsBound(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, nil)
	sim := newSimTime()
	w := newWaiter(sim.clock(), 0, h.client.QueryPreheating)
	w.project = h.client.knownProjectID
	w.add(testTask)
	// Without the bound, the wait would run to this deadline.
	err := w.run(withSimDeadline(sim, 20*time.Minute), waitHooks{})
	var empty *EmptyResultsError
	if !errors.As(err, &empty) {
		t.Fatalf("err = %v, want an EmptyResultsError", err)
	}
	want := "the API returns no URLs for task " + testTask + " in project " + testProject + ": check task_id and the project"
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q lacks %q", err, want)
	}
	if got := sim.elapsed(); got < EmptyResultsTimeout || got > EmptyResultsTimeout+MaxPollGap {
		t.Fatalf("gave up after %s of simulated time, want about %s", got, EmptyResultsTimeout)
	}
	if msg := (&EmptyResultsError{TaskID: "t1"}).Error(); !strings.Contains(msg, "for task t1 in this project") {
		t.Fatalf("without a project: %q", msg)
	}

	// An empty list for less than the bound, then URLs: the wait goes on.
	sim = newSimTime()
	task, err := sim.clock().wait(context.Background(), "t1", 0, func(context.Context) (Task, error) {
		if sim.elapsed() < EmptyResultsTimeout-10*time.Second {
			return Task{}, nil
		}
		return taskOf("succeed"), nil
	})
	if err != nil || !task.AllSucceeded() {
		t.Fatalf("a list that appeared in time: %v, %+v", err, task)
	}
}

// TestWaitOnOneTaskKeepsAShortInterval checks a wait on one task polls at
// the interval asked for, however short: the spreading of many tasks' polls
// does not apply to it.
func TestWaitOnOneTaskKeepsAShortInterval(t *testing.T) {
	sim := newSimTime()
	var sentAt []time.Duration
	_, err := sim.clock().wait(context.Background(), "t1", 100*time.Millisecond, func(context.Context) (Task, error) {
		sentAt = append(sentAt, sim.elapsed())
		if len(sentAt) == 5 {
			return taskOf("succeed"), nil
		}
		return taskOf("processing"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 400 * time.Millisecond}; !slices.Equal(sentAt, want) {
		t.Fatalf("polls at %v, want %v", sentAt, want)
	}
}

// TestWaitTimesOutWhenTheNextQueryWouldComeTooLate checks a query given up
// because its retry or the query limiter's next slot would come after the
// deadline ends the wait as its timeout, with that error as the last one.
func TestWaitTimesOutWhenTheNextQueryWouldComeTooLate(t *testing.T) {
	for _, late := range []error{
		&RetryBeyondDeadlineError{Delay: time.Hour, Left: time.Minute, Last: errOutage},
		&SlotBeyondDeadlineError{API: "query", Delay: time.Hour, Left: time.Minute},
	} {
		sim := newSimTime()
		polls := 0
		_, err := sim.clock().wait(context.Background(), "t1", 0, func(context.Context) (Task, error) {
			if polls++; polls == 1 {
				return taskOf("processing"), nil
			}
			return Task{}, late
		})
		var werr *WaitError
		if !errors.As(err, &werr) || !errors.Is(err, context.DeadlineExceeded) || werr.LastErr != late || polls != 2 {
			t.Fatalf("%T: err %v after %d polls, want the wait's timeout after 2", late, err, polls)
		}
		if !strings.Contains(err.Error(), "timed out after") || !strings.Contains(err.Error(), "last seen: 1 URL: 1 processing") {
			t.Fatalf("%T: %v", late, err)
		}
	}
}

// waitWithSent runs the single wait loop on one task created with sent,
// on a simulated clock, answering the scripted tasks.
func waitWithSent(sent []string, tasks ...Task) (*waitTask, int, error) {
	poll, calls := scripted(tasks...)
	sim := newSimTime()
	ctx := withSimDeadline(sim, time.Hour)
	w := newWaiter(sim.clockWithDeadline(ctx), time.Second, func(ctx context.Context, _ string) (Task, error) { return poll(ctx) })
	t := w.add("t1")
	t.sent = sent
	w.reached = true
	err := w.run(ctx, waitHooks{})
	return t, *calls, err
}

// TestWaitEndsWhenEverySentURLHasEnded checks the completion rule: an
// answer whose listed URLs have all ended does not end the wait while a URL
// sent is missing from it; respelled, it counts as listed.
func TestWaitEndsWhenEverySentURLHasEnded(t *testing.T) {
	sent := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"}
	onlyA := Task{Results: []URLStatus{{"https://cdn.example.com/a.mp4", "succeed"}}}
	both := Task{Results: []URLStatus{{"https://cdn.example.com/a.mp4", "succeed"}, {"https://CDN.example.com:443/%62.mp4", "failed"}}}
	task, polls, err := waitWithSent(sent, onlyA, onlyA, both)
	if err != nil || !task.done || polls != 3 {
		t.Fatalf("err %v, done %v after %d polls; want done at the third, which lists b", err, task.done, polls)
	}
	if task.unlistedAnswers != 0 {
		t.Fatalf("unlisted answers %d after b was listed", task.unlistedAnswers)
	}
}

// TestWaitGivesUpOnAnUnlistedURL checks a task that keeps ending without
// listing a URL sent ends the wait after NotListedAfter such answers, not
// at the first and not at the deadline.
func TestWaitGivesUpOnAnUnlistedURL(t *testing.T) {
	sent := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"}
	onlyA := Task{Results: []URLStatus{{"https://cdn.example.com/a.mp4", "succeed"}, {"https://cdn.example.com/b.mp4?x=1", "succeed"}}}
	task, polls, err := waitWithSent(sent, onlyA)
	if err != nil || !task.done || polls != NotListedAfter {
		t.Fatalf("err %v, done %v after %d polls; want done after %d", err, task.done, polls, NotListedAfter)
	}
	// Without URLs sent (an asset's task), the first ended answer ends it.
	task, polls, err = waitWithSent(nil, onlyA)
	if err != nil || !task.done || polls != 1 {
		t.Fatalf("asset: err %v, done %v after %d polls", err, task.done, polls)
	}
}

// refused is what a query returns when no attempt could connect.
var refused = &NotSentError{API: "query", Cause: &RetriesExhaustedError{Attempts: 4, Last: &TransportError{
	Method: "GET", Scheme: "https", Host: "vod.example.com", What: "connection refused",
	Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}}}

// TestWaitStopsWhenTheEndpointNeverAnswered checks a wait whose every query
// could not connect from the first on ends at the first failed query (which
// made max_retries attempts already), naming the endpoint as the suspect,
// while one that had answers rides out the same errors.
func TestWaitStopsWhenTheEndpointNeverAnswered(t *testing.T) {
	sim := newSimTime()
	ctx := withSimDeadline(sim, time.Hour)
	polls := 0
	_, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 0, func(context.Context) (Task, error) {
		polls++
		return Task{}, refused
	})
	if polls != 1 || !errors.Is(err, refused) || !strings.Contains(err.Error(), "Check endpoint (or region)") {
		t.Fatalf("after %d polls: %v", polls, err)
	}
	if sim.elapsed() != 0 {
		t.Fatalf("it waited %s", sim.elapsed())
	}

	sim = newSimTime()
	ctx = withSimDeadline(sim, time.Hour)
	polls = 0
	task, err := sim.clockWithDeadline(ctx).wait(ctx, "t1", 0, func(context.Context) (Task, error) {
		polls++
		switch {
		case polls == 1:
			return taskOf("processing"), nil
		case sim.elapsed() < 10*time.Minute:
			return Task{}, refused
		}
		return taskOf("succeed"), nil
	})
	if err != nil || !task.AllSucceeded() || polls < 5 {
		t.Fatalf("after an answer, an outage of refused connections: %v after %d polls", err, polls)
	}
}
