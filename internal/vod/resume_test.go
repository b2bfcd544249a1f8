package vod

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestResumeSendsOnlyWhatWasNotSent stops a preheat by a refused create,
// then resumes it: the specs not sent are created, the tasks created
// before are waited for and not created again, and every URL ends once.
func TestResumeSendsOnlyWhatWasNotSent(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	var mu sync.Mutex
	creates := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		mu.Lock()
		defer mu.Unlock()
		if isCreate(r) {
			if creates++; creates == 3 {
				return gatewayAnswer(r, http.StatusForbidden, "VOD.10051")
			}
		}
		return nil
	})
	specs := SplitTasks(numberedURLs("u", 25), []string{"a1"})
	stopped, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: specs, Wait: true}, sim.clock())
	if err == nil || len(stopped.TaskIDs) != 2 || len(stopped.NotSent) != 2 || stopped.Completed() {
		t.Fatalf("first run: %v, tasks %v, not sent %v", err, stopped.TaskIDs, stopped.NotSent)
	}
	if rem := stopped.Remaining(0); rem.NotSentURLs != 5 || rem.NotSentAssets != 1 {
		t.Fatalf("remaining %+v", rem)
	}
	before, _ := requests(h)
	var told []CreatedTask
	out, err := h.client.resume(context.Background(), stopped, PreheatRequest{Wait: true, OnTaskCreated: func(c CreatedTask) {
		mu.Lock()
		told = append(told, c)
		mu.Unlock()
	}}, sim.clock())
	if err != nil || !out.Completed() || !out.AllSucceeded() {
		t.Fatalf("resume: %v, completed %v", err, out.Completed())
	}
	after, _ := requests(h)
	if after-before != 2 || len(told) != 2 || !specEqual(told[0].Spec, specs[2]) || !specEqual(told[1].Spec, specs[3]) {
		t.Fatalf("resume created %d tasks, told %+v; want the 2 not sent", after-before, told)
	}
	if !slices.Equal(out.TaskIDs[:2], stopped.TaskIDs) || len(out.TaskIDs) != 4 || len(out.NotSent) != 0 {
		t.Fatalf("tasks %v, not sent %v", out.TaskIDs, out.NotSent)
	}
	for _, u := range numberedURLs("u", 25) {
		if n := h.emu.PreheatCount(u); n != 1 {
			t.Fatalf("%s preheated %d times", u, n)
		}
	}
}

// TestResumeWaitsForUnfinishedTasksWithoutCreating stops a wait by its
// context; the resume polls the same tasks and creates nothing, and a
// resume of the finished outcome sends no request at all.
func TestResumeWaitsForUnfinishedTasksWithoutCreating(t *testing.T) {
	h, sim := newSimHarness(t, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	specs := SplitTasks(numberedURLs("u", 15), nil)
	stopped, err := h.client.preheat(ctx, PreheatRequest{Tasks: specs, Wait: true, Progress: func(p PreheatProgress) {
		if p.Tasks == 2 {
			cancel()
		}
	}}, sim.clock())
	if err == nil || len(stopped.TaskIDs) != 2 || stopped.Completed() {
		t.Fatalf("first run: %v, tasks %v", err, stopped.TaskIDs)
	}
	if rem := stopped.Remaining(0); rem.Unfinished != 2 || rem.NotSentURLs != 0 {
		t.Fatalf("remaining %+v", rem)
	}
	before, _ := requests(h)
	out, err := h.client.resume(context.Background(), stopped, PreheatRequest{Wait: true}, sim.clock())
	if after, _ := requests(h); err != nil || after != before || !out.AllSucceeded() || !slices.Equal(out.TaskIDs, stopped.TaskIDs) {
		t.Fatalf("resume: %v, %d creates, tasks %v", err, after-before, out.TaskIDs)
	}
	sent := h.emu.RequestCount()
	if _, err := h.client.resume(context.Background(), out, PreheatRequest{Wait: true, RetryFailed: 3}, sim.clock()); err != nil || h.emu.RequestCount() != sent {
		t.Fatalf("resuming a finished outcome: %v, %d requests", err, h.emu.RequestCount()-sent)
	}
	if !out.Remaining(3).Nothing() {
		t.Fatalf("remaining of a finished outcome: %+v", out.Remaining(3))
	}
}

// TestResumeWithMoreRoundsResendsOnlyFailedURLs raises RetryFailed after a
// run whose URL failed: only that URL is sent again, in round 1.
func TestResumeWithMoreRoundsResendsOnlyFailedURLs(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := []string{"https://cdn.example.com/ok.mp4", "https://cdn.example.com/flaky.mp4"}
	first, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true}, sim.clock())
	if err != nil || first.Counts().Failed != 1 {
		t.Fatalf("first run: %v, %+v", err, first.Counts())
	}
	if rem := first.Remaining(0); !rem.Nothing() {
		t.Fatalf("with no rounds left: %+v", rem)
	}
	if rem := first.Remaining(1); rem.Retries != 1 {
		t.Fatalf("with a round: %+v", rem)
	}
	out, err := h.client.resume(context.Background(), first, PreheatRequest{Wait: true, RetryFailed: 1}, sim.clock())
	if err != nil || !out.AllSucceeded() || len(out.TaskIDs) != 2 {
		t.Fatalf("resume: %v, %+v, tasks %v", err, out.Counts(), out.TaskIDs)
	}
	if h.emu.PreheatCount(urls[0]) != 1 || h.emu.PreheatCount(urls[1]) != 2 || out.Results[1].Attempts != 2 {
		t.Fatalf("preheats: ok %d, flaky %d; results %+v", h.emu.PreheatCount(urls[0]), h.emu.PreheatCount(urls[1]), out.Results)
	}
}

// TestAdoptRebuildsWhatAKilledRunCreated checks the outcome Adopt builds
// from the tasks a run reported: its specs are not sent again, a retry's
// URL moves to the retry task, and the rest is NotSent.
func TestAdoptRebuildsWhatAKilledRunCreated(t *testing.T) {
	specs := SplitTasks(numberedURLs("u", 15), []string{"a1"})
	created := []CreatedTask{
		{TaskID: "t1", Spec: specs[0]},
		{TaskID: "t2", Spec: TaskSpec{URLs: []string{specs[0].URLs[3]}}, Round: 1},
	}
	o := Adopt(specs, created)
	if !slices.Equal(o.TaskIDs, []string{"t1", "t2"}) || !slices.EqualFunc(o.NotSent, specs[1:], specEqual) {
		t.Fatalf("tasks %v, not sent %v", o.TaskIDs, o.NotSent)
	}
	if len(o.Results) != 10 || o.Results[3] != (URLResult{URL: specs[0].URLs[3], TaskID: "t2", Attempts: 2}) || o.Results[0].TaskID != "t1" {
		t.Fatalf("results %+v", o.Results)
	}
	if rem := o.Remaining(0); rem.Unfinished != 2 || rem.NotSentURLs != 5 || rem.NotSentAssets != 1 {
		t.Fatalf("remaining %+v", rem)
	}
}

// TestAdoptIntoSkipsTasksAlreadyHeld checks a journal read twice, or one
// that lists tasks state already has, adds nothing twice.
func TestAdoptIntoSkipsTasksAlreadyHeld(t *testing.T) {
	specs := SplitTasks(numberedURLs("u", 15), nil)
	created := []CreatedTask{{TaskID: "t1", Spec: specs[0]}, {TaskID: "t2", Spec: specs[1]}}
	o := AdoptInto(Adopt(specs, created[:1]), created)
	if !slices.Equal(o.TaskIDs, []string{"t1", "t2"}) || len(o.Results) != 15 || o.NotSent != nil {
		t.Fatalf("tasks %v, %d results, not sent %v", o.TaskIDs, len(o.Results), o.NotSent)
	}
}

// TestResumeWithoutWaitingSendsWhatWasNotSentOnly checks a resume that
// does not wait creates the specs not sent and looks once at the new
// tasks only, never at the finished ones.
func TestResumeWithoutWaitingSendsWhatWasNotSentOnly(t *testing.T) {
	h, sim := newSimHarness(t, -1)
	specs := SplitTasks(numberedURLs("u", 15), nil)
	first, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: specs[:1], Wait: true}, sim.clock())
	if err != nil || !first.Completed() {
		t.Fatalf("first: %v", err)
	}
	first.NotSent = specs[1:]
	creates, queries := requests(h)
	out, err := h.client.resume(context.Background(), first, PreheatRequest{}, sim.clock())
	c2, q2 := requests(h)
	if err != nil || c2-creates != 1 || q2-queries != 1 || len(out.TaskIDs) != 2 || len(out.Results) != 15 || out.NotSent != nil {
		t.Fatalf("resume: %v; %d creates, %d queries, tasks %v, %d results", err, c2-creates, q2-queries, out.TaskIDs, len(out.Results))
	}
}

// TestPreheatStoppedBeforeARetryDoesNotListItAsNotSent checks a retry
// queued when the preheat stopped stays out of NotSent: its URL was sent,
// and Resume sends it again from its failed status.
func TestPreheatStoppedBeforeARetryDoesNotListItAsNotSent(t *testing.T) {
	h, sim := newSimHarness(t, -1)
	var mu sync.Mutex
	creates := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		mu.Lock()
		defer mu.Unlock()
		if isCreate(r) {
			if creates++; creates == 2 {
				return gatewayAnswer(r, http.StatusForbidden, "VOD.10051")
			}
		}
		return nil
	})
	urls := []string{"https://cdn.example.com/ok.mp4", "https://cdn.example.com/fail.mp4"}
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true, RetryFailed: 1}, sim.clock())
	if err == nil || len(out.NotSent) != 0 || out.Counts().Failed != 1 {
		t.Fatalf("err %v, not sent %v, counts %+v", err, out.NotSent, out.Counts())
	}
	if rem := out.Remaining(1); rem.Retries != 1 || rem.NotSentURLs != 0 {
		t.Fatalf("remaining %+v", rem)
	}
}

// TestResumeRefreshesAgainOnlyWithRoundsLeft checks a URL whose refresh
// failed (refresh first) counts as a retry only with rounds left, and that
// the resume then refreshes it again and preheats it (twice: a flaky URL
// fails its first preheat too), nothing else.
func TestResumeRefreshesAgainOnlyWithRoundsLeft(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := []string{"https://cdn.example.com/ok.mp4", "https://cdn.example.com/flaky.mp4"}
	first, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true, RefreshFirst: true}, sim.clock())
	if err != nil || !first.Completed() || first.AllSucceeded() {
		t.Fatalf("first run: %v, completed %v, all succeeded %v", err, first.Completed(), first.AllSucceeded())
	}
	if rem := first.Remaining(0); !rem.Nothing() {
		t.Fatalf("remaining with no rounds left: %+v, want nothing", rem)
	}
	if rem := first.Remaining(1); rem.Retries != 1 || rem.Unfinished != 0 {
		t.Fatalf("remaining with a round left: %+v, want the flaky URL's refresh", rem)
	}
	out, err := h.client.resume(context.Background(), first, PreheatRequest{Wait: true, RetryFailed: 1, RefreshFirst: true}, sim.clock())
	if err != nil || !out.AllSucceeded() {
		t.Fatalf("resume: %v, results %+v", err, out.Results)
	}
	for _, c := range []struct {
		url                 string
		refreshes, preheats int
	}{{urls[0], 1, 1}, {urls[1], 2, 2}} { // flaky fails its first preheat too, as in a first run
		if got := [2]int{h.emu.RefreshCount(c.url), h.emu.PreheatCount(c.url)}; got != [2]int{c.refreshes, c.preheats} {
			t.Errorf("%s refreshed and preheated %v times, want %d and %d", c.url, got, c.refreshes, c.preheats)
		}
	}
}

// TestResumeFollowsARefreshStoppedBeforeItsEnd checks a refresh-first run
// stopped while its refresh task went on: the resume creates no refresh,
// waits for that one, then preheats its URLs once.
func TestResumeFollowsARefreshStoppedBeforeItsEnd(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := numberedURLs("r", 3)
	ctx, cancel := context.WithCancel(context.Background())
	stopped, err := h.client.preheat(ctx, PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true, RefreshFirst: true,
		Progress: func(p PreheatProgress) {
			if p.RefreshTasks == 1 {
				cancel()
			}
		}}, sim.clock())
	if err == nil || len(stopped.RefreshTaskIDs) != 1 || len(stopped.TaskIDs) != 0 || stopped.Completed() {
		t.Fatalf("stop: %v, refresh tasks %v, tasks %v", err, stopped.RefreshTaskIDs, stopped.TaskIDs)
	}
	if rem := stopped.Remaining(0); rem.Unfinished != 1 {
		t.Fatalf("remaining %+v, want the refresh task", rem)
	}
	out, err := h.client.resume(context.Background(), stopped, PreheatRequest{Wait: true, RefreshFirst: true}, sim.clock())
	if err != nil || !out.AllSucceeded() || len(out.RefreshTaskIDs) != 1 {
		t.Fatalf("resume: %v, refresh tasks %v, results %+v", err, out.RefreshTaskIDs, out.Results)
	}
	for _, u := range urls {
		if got := [2]int{h.emu.RefreshCount(u), h.emu.PreheatCount(u)}; got != [2]int{1, 1} {
			t.Errorf("%s refreshed and preheated %v times, want once each", u, got)
		}
	}
}
