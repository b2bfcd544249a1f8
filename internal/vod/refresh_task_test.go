package vod

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func TestCreateAndQueryRefreshTask(t *testing.T) {
	h := newHarness(t, emulator.Config{ProcessingTime: -1, UppercaseStatus: true}, nil)
	ctx := context.Background()
	urls := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/fail.mp4"}
	taskID, err := h.client.CreateRefreshTask(ctx, []string{"as1", "as2"}, urls)
	if err != nil {
		t.Fatal(err)
	}
	task, err := h.client.QueryRefreshTask(ctx, taskID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range task.Results {
		got = append(got, r.URL+" "+r.Status)
	}
	want := []string{urls[0] + " succeed", urls[1] + " failed",
		"https://vod.example.com/asset/as1/index.m3u8 succeed", "https://vod.example.com/asset/as1/index.mp4 succeed",
		"https://vod.example.com/asset/as2/index.m3u8 succeed", "https://vod.example.com/asset/as2/index.mp4 succeed"}
	if task.ID != taskID || !slices.Equal(got, want) {
		t.Fatalf("task %s: %q, want %q (statuses in lower case though the API spells them in upper)", task.ID, got, want)
	}
	// Both calls went to the refresh API (/v1/, not preheating's /v1.0/),
	// and nothing was preheated.
	for _, r := range h.emu.Requests() {
		if r.Path != "/v1/"+testProject+"/asset/refresh" || r.Status >= 300 {
			t.Errorf("%s %s -> %d", r.Method, r.Path, r.Status)
		}
	}
	if n := h.emu.PreheatCount(urls[0]); n != 0 || h.emu.RefreshCount(urls[0]) != 1 {
		t.Fatalf("preheated %d times, refreshed %d, want 0 and 1", n, h.emu.RefreshCount(urls[0]))
	}
}

func TestCreateRefreshTaskRefusesOverTheLimitsBeforeAnyCall(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	long := "https://cdn.example.com/" + strings.Repeat("a", MaxRefreshURLLength)
	for name, tc := range map[string]struct {
		assets, urls []string
		want         string
	}{
		"nothing":      {nil, nil, "needs an asset ID or at least one URL"},
		"eleven URLs":  {nil, numberedURLs("u", 11), "at most 10 URLs"},
		"eleven IDs":   {numberedURLs("a", 11), nil, "at most 10 asset IDs"},
		"URL too long": {nil, []string{long}, "at most 10240 characters"},
	} {
		if _, err := h.client.CreateRefreshTask(context.Background(), tc.assets, tc.urls); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	if n := h.emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent, want 0", n)
	}
}

func TestQueryRefreshTaskOfAnUnknownTaskIsAnAPIError(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	_, err := h.client.QueryRefreshTask(context.Background(), "0123456789abcdef0123456789abcdef")
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.HTTPStatus != http.StatusBadRequest || apiErr.ErrorCode != "VOD.10053" {
		t.Fatalf("error %v, want 400 VOD.10053", err)
	}
}

// TestRefreshCDNRefreshesManyTasksAndRetriesFailedURLs runs the preheat's
// flow over refresh tasks: 25 URLs in tasks of 10, an asset in its own, the
// flaky URL refreshed again in a retry round, and no preheat sent.
func TestRefreshCDNRefreshesManyTasksAndRetriesFailedURLs(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := append(numberedURLs("ok", 24), "https://cdn.example.com/flaky-24.mp4")
	var progress []PreheatProgress
	out, err := h.client.runTasks(context.Background(), PreheatRequest{
		Tasks: SplitTasks(urls, []string{"as1"}), RetryFailed: 1, Wait: true,
		Progress: func(p PreheatProgress) { progress = append(progress, p) },
	}, refreshAPI{h.client}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	// 3 URL tasks, the asset's, and one retry of the flaky URL.
	if len(out.TaskIDs) != 5 || len(out.Results) != 27 || !out.AllSucceeded() {
		t.Fatalf("%d tasks, %d results, all succeeded %v: %+v", len(out.TaskIDs), len(out.Results), out.AllSucceeded(), out.Results)
	}
	for _, r := range out.Results {
		want := 1
		if strings.Contains(r.URL, "flaky") {
			want = 2
		}
		if r.Attempts != want || h.emu.RefreshCount(r.URL) != want || h.emu.PreheatCount(r.URL) != 0 {
			t.Errorf("%s: %d attempts, refreshed %d times, preheated %d; want %d, %d, 0",
				r.URL, r.Attempts, h.emu.RefreshCount(r.URL), h.emu.PreheatCount(r.URL), want, want)
		}
	}
	if _, ok := h.emu.RefreshTaskStatus(out.TaskIDs[4]); !ok {
		t.Fatalf("task %s is not a refresh task", out.TaskIDs[4])
	}
	if last := progress[len(progress)-1]; last.Succeed != 27 || last.Tasks != 5 {
		t.Fatalf("last progress %+v", last)
	}
}

// TestRefreshCDNStoppedPartWaySaysRefresh checks the error of a stop
// names refresh tasks, not preheat ones.
func TestRefreshCDNStoppedPartWaySaysRefresh(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	interceptRequests(h, func(r *http.Request) *http.Response {
		if isCreate(r) && h.emu.RequestCount() >= 1 {
			return gatewayAnswer(r, http.StatusForbidden, "VOD.10074")
		}
		return nil
	})
	out, err := h.client.RefreshCDN(context.Background(), PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 15), nil), Wait: true})
	var perr *PreheatError
	if !errors.As(err, &perr) || perr.Noun != "refresh" || !strings.Contains(err.Error(), "1 refresh task created covering 10 URLs") {
		t.Fatalf("error %v, want a PreheatError naming refresh tasks", err)
	}
	if len(out.TaskIDs) != 1 || len(out.NotSent) != 1 {
		t.Fatalf("outcome %+v", out)
	}
	if _, err := h.client.RefreshCDN(context.Background(), PreheatRequest{}); err == nil || !strings.Contains(err.Error(), "nothing to refresh") {
		t.Fatalf("empty request: %v", err)
	}
}

func TestRefreshErrorsHaveTheirOwnHints(t *testing.T) {
	const path = "/v1/" + testProject + "/asset/refresh"
	for _, tc := range []struct {
		name      string
		err       APIError
		want, not string
	}{
		{"per-minute", APIError{Method: "POST", Path: path, HTTPStatus: 429, ErrorCode: "APIGW.0308",
			ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute"}, "100 a minute", "10 creates"},
		{"daily", APIError{Method: "POST", Path: path, HTTPStatus: 429, ErrorCode: "APIGW.0308",
			ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:1000,time:1 day"}, "daily refresh limit", "100 a minute"},
		{"bad create", APIError{Method: "POST", Path: path, HTTPStatus: 400, ErrorCode: "VOD.10053"}, "at most 10 URLs of at most 10240 characters", ""},
		{"bad query", APIError{Method: "GET", Path: path, HTTPStatus: 400, ErrorCode: "VOD.10053"}, "not a refresh task", ""},
		{"other codes as for preheats", APIError{Method: "GET", Path: path, HTTPStatus: 403, ErrorCode: "VOD.10074"}, "IAM permissions", ""},
		{"preheat path keeps its hint", APIError{Method: "POST", Path: "/v1.0/p/asset/preheating", HTTPStatus: 429, ErrorCode: "APIGW.0308"}, "10 creates", "refreshes"},
	} {
		if got := tc.err.Error(); !strings.Contains(got, tc.want) || tc.not != "" && strings.Contains(got, tc.not) {
			t.Errorf("%s: %q: want %q and not %q", tc.name, got, tc.want, tc.not)
		}
	}
}
