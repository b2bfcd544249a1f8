package vod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// newSimHarness is a client and an emulator on one simulated clock: the
// wait's sleeps and the client's retry pauses move it on, and the
// emulator's tasks progress by it.
func newSimHarness(t *testing.T, processing time.Duration) (*harness, *simTime) {
	t.Helper()
	sim := newSimTime()
	h := newHarness(t, emulator.Config{ProcessingTime: processing, Now: sim.now, MaxClockSkew: 1000 * time.Hour}, nil)
	h.client.sleep = sim.sleep
	return h, sim
}

// intercept answers the requests answer returns a response for, and sends
// the others on.
type intercept struct {
	base   http.RoundTripper
	answer func(*http.Request) *http.Response
}

func (i intercept) RoundTrip(r *http.Request) (*http.Response, error) {
	if resp := i.answer(r); resp != nil {
		return resp, nil
	}
	return i.base.RoundTrip(r)
}

func interceptRequests(h *harness, answer func(*http.Request) *http.Response) {
	h.client.transport = intercept{base: h.client.transport, answer: answer}
}

// gatewayAnswer is an error answer with the gateway's JSON body.
func gatewayAnswer(r *http.Request, status int, code string) *http.Response {
	body := fmt.Sprintf(`{"error_code":%q,"error_msg":"injected by the test"}`, code)
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Request: r,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"0123456789abcdef0123456789abcdef"}},
		Body:   io.NopCloser(bytes.NewReader([]byte(body))), ContentLength: int64(len(body))}
}

func isCreate(r *http.Request) bool { return r.Method == http.MethodPost }

func numberedURLs(prefix string, n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = sprintf("https://cdn.example.com/%s-%02d.mp4", prefix, i)
	}
	return urls
}

// requests counts the emulator's requests by method.
func requests(h *harness) (creates, queries int) {
	for _, r := range h.emu.Requests() {
		switch r.Method {
		case http.MethodPost:
			creates++
		case http.MethodGet:
			queries++
		}
	}
	return creates, queries
}

func TestSplitTasks(t *testing.T) {
	specs := SplitTasks(numberedURLs("u", 23), []string{"a1", "a2"})
	var shape []string
	for _, s := range specs {
		shape = append(shape, sprintf("%d%s", len(s.URLs), s.AssetID))
	}
	if want := []string{"10", "10", "3", "0a1", "0a2"}; !slices.Equal(shape, want) {
		t.Fatalf("task shapes %v, want %v", shape, want)
	}
	if specs[1].URLs[0] != "https://cdn.example.com/u-10.mp4" || specs[2].URLs[2] != "https://cdn.example.com/u-22.mp4" {
		t.Fatalf("URLs out of order: %v", specs)
	}
	if got := SplitTasks(numberedURLs("u", 10), nil); len(got) != 1 {
		t.Fatalf("10 URLs make %d tasks", len(got))
	}
	if got := SplitTasks(nil, nil); len(got) != 0 {
		t.Fatalf("nothing makes %d tasks", len(got))
	}
}

func TestPreheatRefusesABadRequestBeforeAnyCall(t *testing.T) {
	h, _ := newSimHarness(t, time.Second)
	for _, req := range []PreheatRequest{
		{},
		{Tasks: []TaskSpec{{URLs: numberedURLs("u", 11)}}},
		{Tasks: []TaskSpec{{}}},
		{Tasks: []TaskSpec{{AssetID: "a"}}, RetryFailed: -1},
	} {
		if _, err := h.client.Preheat(context.Background(), req); err == nil || errors.As(err, new(*PreheatError)) {
			t.Errorf("%+v: err %v, want a plain error", req, err)
		}
	}
	if n := h.emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestPreheatMixedAssetsAndURLs checks URLs and assets are split, created
// once each and waited for, with one result per URL in order.
func TestPreheatMixedAssetsAndURLs(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	var mu sync.Mutex
	sent := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		mu.Lock()
		defer mu.Unlock()
		if isCreate(r) {
			if sent++; sent > 5 { // a spec sent again: end the preheat rather than loop
				return gatewayAnswer(r, http.StatusBadRequest, "TEST.CREATED.TWICE")
			}
		}
		return nil
	})
	urls := numberedURLs("u", 23)
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, []string{"a1", "a2"}), Wait: true}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	if creates, _ := requests(h); len(out.TaskIDs) != 5 || creates != 5 {
		t.Fatalf("%d task IDs, %d creates, want 5", len(out.TaskIDs), creates)
	}
	if !out.Completed() || !out.AllSucceeded() || out.Counts() != (Counts{Total: 27, Succeed: 27}) {
		t.Fatalf("outcome %+v", out.Counts())
	}
	for i, r := range out.Results[:23] {
		if r.URL != urls[i] || r.TaskID != out.TaskIDs[i/10] || r.Attempts != 1 || r.Status != StatusSucceed {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	for i, r := range out.Results[23:] {
		asset, task := []string{"a1", "a1", "a2", "a2"}[i], out.TaskIDs[3+i/2]
		if !strings.Contains(r.URL, "/asset/"+asset+"/") || r.TaskID != task || r.Attempts != 1 {
			t.Fatalf("asset result %d = %+v", i, r)
		}
	}
	for i, task := range out.Tasks {
		if task.ID != out.TaskIDs[i] || !task.Completed() {
			t.Fatalf("task %d = %+v", i, task)
		}
	}
	if len(out.NotSent) != 0 || len(out.Warnings) != 0 {
		t.Fatalf("not sent %v, warnings %v", out.NotSent, out.Warnings)
	}
}

// TestPreheatRetriesOnlyTheFailedURLs checks each round re-sends only the
// URLs that failed, in new URL tasks, counting attempts: flaky URLs succeed
// the second time, "fail" URLs use every round.
func TestPreheatRetriesOnlyTheFailedURLs(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := append(numberedURLs("ok", 10), "https://cdn.example.com/flaky-10.mp4", "https://cdn.example.com/fail-11.mp4")
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, []string{"flaky-asset"}), RetryFailed: 2, Wait: true}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	// 3 tasks, then round 1: the second URL task's 2 failed URLs and the
	// asset's 2, then round 2: the fail URL alone.
	if len(out.TaskIDs) != 6 {
		t.Fatalf("%d tasks, want 6: %v", len(out.TaskIDs), out.TaskIDs)
	}
	if len(out.Results) != 14 {
		t.Fatalf("%d results, want one per URL (14): %+v", len(out.Results), out.Results)
	}
	for _, r := range out.Results {
		wantAttempts, wantStatus := 1, StatusSucceed
		switch {
		case strings.Contains(r.URL, "fail-"):
			wantAttempts, wantStatus = 3, StatusFailed
		case strings.Contains(r.URL, "flaky"):
			wantAttempts = 2
		}
		if r.Attempts != wantAttempts || r.Status != wantStatus || h.emu.PreheatCount(r.URL) != wantAttempts {
			t.Errorf("%s: %d attempts (the emulator saw %d), status %s; want %d, %s", r.URL, r.Attempts, h.emu.PreheatCount(r.URL), r.Status, wantAttempts, wantStatus)
		}
		if r.TaskID != out.TaskIDs[slices.Index(out.TaskIDs, r.TaskID)] {
			t.Errorf("%s: task %s is not in the outcome", r.URL, r.TaskID)
		}
	}
	// The retry tasks hold only failed URLs: round 1 the URL task's two and
	// the asset's two, round 2 the fail URL alone. Rounds overlap (a task's
	// retry starts when it ends, not when the round does), so the order of
	// the three is not fixed.
	var retried []string
	for _, id := range out.TaskIDs[3:] {
		sent, _ := h.emu.TaskStatus(id)
		var held []string
		for _, u := range sent {
			held = append(held, u.URL)
		}
		retried = append(retried, strings.Join(held, " "))
	}
	slices.Sort(retried)
	assetURLs := "https://vod.example.com/asset/flaky-asset/index.m3u8 https://vod.example.com/asset/flaky-asset/index.mp4"
	want := []string{urls[11], urls[10] + " " + urls[11], assetURLs}
	slices.Sort(want)
	if !slices.Equal(retried, want) {
		t.Fatalf("the retry tasks hold %q, want the failed URLs %q", retried, want)
	}
	if !out.Completed() || out.AllSucceeded() || !slices.Equal(out.FailedURLs(10), []string{urls[11]}) {
		t.Fatalf("completed %v, all succeeded %v, failed %v", out.Completed(), out.AllSucceeded(), out.FailedURLs(10))
	}

	h2, sim2 := newSimHarness(t, 20*time.Second)
	out, err = h2.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true}, sim2.clock())
	if err != nil || len(out.TaskIDs) != 2 || len(out.FailedURLs(10)) != 2 {
		t.Fatalf("without retry_failed: %v, %d tasks, failed %v", err, len(out.TaskIDs), out.FailedURLs(10))
	}
}

// TestPreheatStopsAtAFailedCreateAndReturnsWhatWasCreated checks a create
// refused part-way stops the preheat at once with the tasks created so far,
// what was not sent, and the create's error unchanged.
func TestPreheatStopsAtAFailedCreateAndReturnsWhatWasCreated(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	var mu sync.Mutex
	creates := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		mu.Lock()
		defer mu.Unlock()
		if isCreate(r) {
			if creates++; creates == 3 {
				return gatewayAnswer(r, http.StatusBadRequest, "VOD.10053")
			}
		}
		return nil
	})
	specs := SplitTasks(numberedURLs("u", 35), []string{"a1"})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: specs, Wait: true}, sim.clock())
	var perr *PreheatError
	if !errors.As(err, &perr) || perr.Phase != "create" || perr.Created != 2 || perr.URLsCovered != 20 {
		t.Fatalf("err = %#v", err)
	}
	if apiErr, ok := AsAPIError(err); !ok || apiErr.ErrorCode != "VOD.10053" {
		t.Fatalf("the create's error is not inside: %v", err)
	}
	if len(out.TaskIDs) != 2 || len(out.Results) != 20 || !slices.EqualFunc(out.NotSent, specs[2:], specEqual) {
		t.Fatalf("outcome: tasks %v, %d results, not sent %v", out.TaskIDs, len(out.Results), out.NotSent)
	}
	if want := "2 preheat tasks created covering 20 URLs; not sent: 3 tasks (15 URLs, assets a1); "; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %q, want it to start %q", err, want)
	}
	if n, _ := requests(h); n != 2 || creates != 3 {
		t.Fatalf("%d creates reached the emulator, %d were sent; want 2 and 3", n, creates)
	}
}

func specEqual(a, b TaskSpec) bool { return a.AssetID == b.AssetID && slices.Equal(a.URLs, b.URLs) }

// TestPreheatCancelledPartWayKeepsEveryTaskAndCreatesNoneTwice checks a
// Ctrl-C during creation returns every task created, lists the rest as not
// sent, and sends no create twice.
func TestPreheatCancelledPartWayKeepsEveryTaskAndCreatesNoneTwice(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	specs := SplitTasks(numberedURLs("u", 50), nil)
	out, err := h.client.preheat(ctx, PreheatRequest{Tasks: specs, Wait: true, Progress: func(p PreheatProgress) {
		if p.Tasks == 2 {
			cancel()
		}
	}}, sim.clock())
	var perr *PreheatError
	if !errors.As(err, &perr) || !errors.Is(err, context.Canceled) || perr.Created != 2 || perr.Phase != "create" {
		t.Fatalf("err = %v", err)
	}
	if len(out.TaskIDs) != 2 || !slices.EqualFunc(out.NotSent, specs[2:], specEqual) {
		t.Fatalf("tasks %v, not sent %v", out.TaskIDs, out.NotSent)
	}
	creates, _ := requests(h)
	seen := map[string]int{}
	for _, id := range out.TaskIDs {
		urls, _ := h.emu.TaskStatus(id)
		for _, u := range urls {
			seen[u.URL]++
		}
	}
	if creates != 2 || len(seen) != 20 {
		t.Fatalf("%d creates covering %d URLs, want 2 covering 20", creates, len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Fatalf("%s sent %d times", u, n)
		}
	}
}

// TestPreheatKeepsTheCreateInFlightWhenTheWaitStops checks a wait ended by
// a final query error still waits for the create in flight and keeps its
// task, and that the error carries the wait's account.
func TestPreheatKeepsTheCreateInFlightWhenTheWaitStops(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	release := make(chan struct{})
	var mu sync.Mutex
	creates := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		if isCreate(r) {
			mu.Lock()
			creates++
			n := creates
			mu.Unlock()
			if n == 2 {
				<-release // held until the wait has stopped
			}
			return nil
		}
		defer close(release)
		return gatewayAnswer(r, http.StatusUnauthorized, "APIGW.0301")
	})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 30), nil), Wait: true}, sim.clock())
	var (
		perr *PreheatError
		werr *WaitError
	)
	if !errors.As(err, &perr) || !errors.As(err, &werr) || perr.Created != 2 || len(out.TaskIDs) != 2 || len(out.NotSent) != 1 {
		t.Fatalf("err = %v; tasks %v, not sent %v", err, out.TaskIDs, out.NotSent)
	}
	if apiErr, ok := AsAPIError(err); !ok || apiErr.HTTPStatus != http.StatusUnauthorized || werr.Polls != 1 {
		t.Fatalf("the 401 is not the wait's cause, or it polled again: %v", err)
	}
}

// TestPreheatTasksJoinTheWaitWhileOthersAreCreated checks a created task is
// polled while the next create is still under way.
func TestPreheatTasksJoinTheWaitWhileOthersAreCreated(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	polled := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	creates := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		if !isCreate(r) {
			once.Do(func() { close(polled) })
			return nil
		}
		mu.Lock()
		creates++
		n := creates
		mu.Unlock()
		if n == 2 {
			select {
			case <-polled:
			case <-time.After(time.Minute): // only if the flow is broken
				return gatewayAnswer(r, http.StatusBadRequest, "TEST.NOPOLL")
			}
		}
		return nil
	})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 20), nil), Wait: true}, sim.clock())
	if err != nil || !out.AllSucceeded() {
		t.Fatalf("the second create waited for a poll that never came: %v", err)
	}
}

// TestPreheatWithoutWaitQueriesEachTaskOnce checks wait=false creates every
// task, queries each once and keeps a failed query as a warning.
func TestPreheatWithoutWaitQueriesEachTaskOnce(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	var mu sync.Mutex
	queries := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		mu.Lock()
		defer mu.Unlock()
		if !isCreate(r) {
			if queries++; queries == 2 {
				return gatewayAnswer(r, http.StatusBadRequest, "VOD.10053")
			}
		}
		return nil
	})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 25), nil)}, sim.clock())
	if err != nil || len(out.TaskIDs) != 3 || queries != 3 || len(out.Warnings) != 1 || out.Completed() {
		t.Fatalf("err %v, %d tasks, %d queries, warnings %v", err, len(out.TaskIDs), queries, out.Warnings)
	}
	if !strings.Contains(out.Warnings[0].Error(), out.TaskIDs[1]) || out.Counts().Processing != 15 || out.Counts().Other != 10 {
		t.Fatalf("warning %v, counts %+v", out.Warnings[0], out.Counts())
	}
}

// TestPreheatOneTaskPollsOnTheDefaultSchedule checks the one-task case
// polls as Wait always has: at once, then DefaultPollGap's gaps.
func TestPreheatOneTaskPollsOnTheDefaultSchedule(t *testing.T) {
	h, sim := newSimHarness(t, 3*time.Minute)
	var sentAt []time.Duration
	interceptRequests(h, func(r *http.Request) *http.Response {
		if !isCreate(r) {
			sentAt = append(sentAt, sim.elapsed())
		}
		return nil
	})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: []TaskSpec{{URLs: []string{"https://cdn.example.com/a.mp4"}}}, Wait: true}, sim.clock())
	if err != nil || !out.AllSucceeded() || len(out.TaskIDs) != 1 {
		t.Fatalf("err %v, outcome %+v", err, out)
	}
	if sentAt[0] != 0 {
		t.Fatalf("first poll at %s", sentAt[0])
	}
	for i := 1; i < len(sentAt); i++ {
		if gap, want := sentAt[i]-sentAt[i-1], DefaultPollGap(sentAt[i-1], 0); gap != want {
			t.Fatalf("gap before poll %d is %s, want %s (polls at %v)", i+1, gap, want, sentAt)
		}
	}
}

// TestPreheatRidesOutAnOutage checks a preheat whose queries meet a 40 s
// outage of 503s (each query's own retries exhausted) still completes
// within its 5 minute deadline.
func TestPreheatRidesOutAnOutage(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	failed := 0
	interceptRequests(h, func(r *http.Request) *http.Response {
		if !isCreate(r) && sim.elapsed() < 40*time.Second {
			failed++
			return gatewayAnswer(r, http.StatusServiceUnavailable, "APIGW.0613")
		}
		return nil
	})
	ctx := withSimDeadline(sim, 5*time.Minute)
	out, err := h.client.preheat(ctx, PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 10), nil), Wait: true}, sim.clockWithDeadline(ctx))
	if err != nil || !out.AllSucceeded() {
		t.Fatalf("after %d failed queries: %v", failed, err)
	}
	if failed <= h.client.cfg.MaxRetries+1 {
		t.Fatalf("only %d queries failed: the client's own retries covered the outage", failed)
	}
}

// TestPreheatReportsProgressOnlyWhenItChanges checks Progress is not told
// the same summary twice, though most polls see no change.
func TestPreheatReportsProgressOnlyWhenItChanges(t *testing.T) {
	h, sim := newSimHarness(t, 100*time.Second)
	var seen []PreheatProgress
	out, err := h.client.preheat(context.Background(), PreheatRequest{
		Tasks: []TaskSpec{{URLs: []string{"https://cdn.example.com/a.mp4"}}, {URLs: []string{"https://cdn.example.com/b.mp4"}}},
		Wait:  true, Progress: func(p PreheatProgress) { seen = append(seen, p) },
	}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] == seen[i-1] {
			t.Fatalf("progress %d repeats %v", i, seen[i])
		}
	}
	first, last := seen[0], seen[len(seen)-1]
	if first != (PreheatProgress{Total: 2, Processing: 2, NotCreated: 2}) || last != (PreheatProgress{Total: 2, Succeed: 2, Tasks: 2}) {
		t.Fatalf("first %+v, last %+v", first, last)
	}
	if _, queries := requests(h); queries < 2*len(seen) {
		t.Fatalf("%d progress calls for %d queries: the test needs polls that see no change", len(seen), queries)
	}
	if !out.AllSucceeded() {
		t.Fatal("not complete")
	}
}

// TestRereadOfACompleteOutcomeSendsNothing checks a finished preheat is
// final: refreshing it, even rebuilt from its results alone, sends no
// request and changes nothing.
func TestRereadOfACompleteOutcomeSendsNothing(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := append(numberedURLs("u", 12), "https://cdn.example.com/flaky.mp4")
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, []string{"a1"}), RetryFailed: 1, Wait: true}, sim.clock())
	if err != nil || !out.Completed() {
		t.Fatalf("preheat: %v", err)
	}
	before := h.emu.RequestCount()
	for _, o := range []PreheatOutcome{out, {TaskIDs: out.TaskIDs, Results: out.Results}} {
		refreshed, err := h.client.Reread(context.Background(), o)
		if err != nil || !slices.Equal(refreshed.Results, out.Results) || !slices.Equal(refreshed.TaskIDs, out.TaskIDs) {
			t.Fatalf("refresh changed the outcome: %v", err)
		}
	}
	if sent := h.emu.RequestCount() - before; sent != 0 {
		t.Fatalf("refreshing a complete outcome sent %d requests", sent)
	}
}

// TestRereadQueriesOnlyTasksNotKnownComplete checks imported task IDs are
// queried and filled in, and that a second refresh asks only for the task
// still processing.
func TestRereadQueriesOnlyTasksNotKnownComplete(t *testing.T) {
	h, _ := newSimHarness(t, time.Hour)
	h.emu.SeedTask("done", []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}, {URL: "https://cdn.example.com/b.mp4", Status: "failed"}})
	h.emu.SeedTask("busy", []emulator.URLSeed{{URL: "https://cdn.example.com/c.mp4"}})
	out, err := h.client.Reread(context.Background(), PreheatOutcome{TaskIDs: []string{"done", "busy"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []URLResult{
		{URL: "https://cdn.example.com/a.mp4", Status: "succeed", TaskID: "done", Attempts: 1},
		{URL: "https://cdn.example.com/b.mp4", Status: "failed", TaskID: "done", Attempts: 1},
		{URL: "https://cdn.example.com/c.mp4", Status: "processing", TaskID: "busy", Attempts: 1},
	}
	if !slices.Equal(out.Results, want) || out.Completed() {
		t.Fatalf("results %+v", out.Results)
	}
	h.emu.SeedTask("busy", []emulator.URLSeed{{URL: "https://cdn.example.com/c.mp4", Status: "succeed"}})
	_, before := requests(h)
	out, err = h.client.Reread(context.Background(), out)
	if _, after := requests(h); err != nil || after-before != 1 || out.Results[2].Status != "succeed" || len(out.Results) != 3 || !out.Completed() {
		t.Fatalf("second refresh: %v, %d queries, results %+v", err, after-before, out.Results)
	}
	if _, err := h.client.Reread(context.Background(), PreheatOutcome{TaskIDs: []string{"unknown"}}); err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("refresh of an unknown task: %v", err)
	}
}

// Without waiting, the one look after the creates is bounded on its own
// (bestEffortLook and max_retries), never by a quota window: a query window
// that is spent ends the preheat at once with the task kept and a warning.
func TestPreheatWithoutWaitingLooksOnceWithinItsOwnBound(t *testing.T) {
	h := newHarness(t, emulator.Config{Quota: emulator.Quota{QueriesPerMinute: 1}}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil { // spends the window
		t.Fatal(err)
	}
	out, err := h.client.Preheat(context.Background(), PreheatRequest{Tasks: []TaskSpec{{URLs: []string{"https://cdn.example.com/b.mp4"}}}})
	if err != nil || len(out.TaskIDs) != 1 {
		t.Fatalf("err %v, tasks %v: want the task created", err, out.TaskIDs)
	}
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0].Error(), "querying preheat task "+out.TaskIDs[0]+" once after creating it") ||
		!strings.Contains(out.Warnings[0].Error(), "1 per minute") {
		t.Fatalf("warnings %v, want one naming the task and the query window", out.Warnings)
	}
	if _, queries := requests(h); queries != 2 {
		t.Fatalf("%d queries, want the first and one look, refused: the window's retry is past the look's bound", queries)
	}
}

// TestPreheatMatchesURLsTheAPISpellsOtherwise checks a task that lists its
// URLs respelled (host case, default port, escapes) ends a success, each
// result under the spelling sent.
func TestPreheatMatchesURLsTheAPISpellsOtherwise(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := []string{"https://cdn.example.com/a.mp4", "http://cdn.example.com/b-c.mp4"}
	h.emu.ScriptAnswers(emulator.AnswerScript{Respell: map[string]string{
		urls[0]: "https://CDN.Example.com:443/a.mp4", urls[1]: "http://cdn.example.com:80/b%2Dc.mp4",
	}})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true}, sim.clock())
	if err != nil || !out.AllSucceeded() || len(out.Results) != 2 {
		t.Fatalf("err %v, all succeeded %v, results %+v", err, out.AllSucceeded(), out.Results)
	}
	for i, r := range out.Results {
		if r.URL != urls[i] {
			t.Errorf("result %d is %q, want the spelling sent, %q", i, r.URL, urls[i])
		}
	}
}

// TestPreheatReportsAURLItsTaskDoesNotList checks a task that ends without
// listing a URL sent leaves that URL not_listed, with what it listed
// instead, and that retry_failed sends it again.
func TestPreheatReportsAURLItsTaskDoesNotList(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"}
	h.emu.ScriptAnswers(emulator.AnswerScript{Omit: []string{urls[1]}, Extra: []emulator.URLSeed{{URL: urls[1] + "?x=1"}}})
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	if !out.Completed() || out.AllSucceeded() {
		t.Fatalf("completed %v, all succeeded %v: %+v", out.Completed(), out.AllSucceeded(), out.Results)
	}
	got := out.NotListed(10)
	if len(got) != 1 || got[0].URL != urls[1] || got[0].TaskID != out.TaskIDs[0] || !slices.Equal(got[0].Listed, []string{urls[1] + "?x=1"}) {
		t.Fatalf("NotListed = %+v", got)
	}

	h, sim = newSimHarness(t, 20*time.Second)
	// The retry lists b?x=1 alone: not empty, and still not b.
	h.emu.ScriptAnswers(emulator.AnswerScript{Omit: []string{urls[1]}, Extra: []emulator.URLSeed{{URL: urls[1] + "?x=1"}}})
	out, err = h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, nil), Wait: true, RetryFailed: 1}, sim.clock())
	if err != nil || len(out.TaskIDs) != 2 || h.emu.PreheatCount(urls[1]) != 2 || h.emu.PreheatCount(urls[0]) != 1 {
		t.Fatalf("retry_failed 1: %v, %d tasks, b preheated %d times, a %d", err, len(out.TaskIDs), h.emu.PreheatCount(urls[1]), h.emu.PreheatCount(urls[0]))
	}
	if r := out.Results[1]; r.Status != StatusNotListed || r.Attempts != 2 || r.TaskID != out.TaskIDs[1] {
		t.Fatalf("b after its retry: %+v", r)
	}
}

// TestQueryRefusesAnEntryWithoutURL checks an answer entry with no url is a
// decoding error, not a URL that ended.
func TestQueryRefusesAnEntryWithoutURL(t *testing.T) {
	h := newHarness(t, emulator.Config{ProcessingTime: -1}, func(c *Config) { c.MaxRetries = 0 })
	taskID := h.emu.CreateTask("", []string{"https://cdn.example.com/a.mp4"})
	h.emu.ScriptAnswers(emulator.AnswerScript{WithoutURL: true})
	_, err := h.client.QueryPreheating(context.Background(), taskID)
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), "url in preheating_results entry 2") {
		t.Fatalf("err = %v, want a DecodeError naming entry 2", err)
	}
}

// TestThrottledCreateStoppedByCtxWasNotSent checks a create the gateway
// refused (429) and that Ctrl-C then stopped says it was not sent.
func TestThrottledCreateStoppedByCtxWasNotSent(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.InjectFaults(5, emulator.Fault429("1"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	h.client.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := h.client.CreatePreheating(ctx, "", []string{"https://cdn.example.com/a.mp4"})
	if !IsNotSent(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a NotSentError for Ctrl-C", err)
	}
	if creates, _ := requests(h); creates != 1 {
		t.Fatalf("%d creates reached the emulator, want the one throttled", creates)
	}
}
