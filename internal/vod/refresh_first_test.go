package vod

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// TestRefreshFirstPreheatsOnlyRefreshedURLs preheats 30 URLs and an asset
// with refresh first, after their content changed: every preheat comes
// after its URL's refresh succeeded (none warms a stale copy), a URL whose
// refresh keeps failing is never preheated, and a flaky one is refreshed
// and then preheated again within retry_failed.
func TestRefreshFirstPreheatsOnlyRefreshedURLs(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := append(numberedURLs("ok", 28), "https://cdn.example.com/fail-28.mp4", "https://cdn.example.com/flaky-29.mp4")
	assetURLs := []string{"https://vod.example.com/asset/as1/index.m3u8", "https://vod.example.com/asset/as1/index.mp4"}
	for _, u := range append(urls, assetURLs...) {
		h.emu.UpdateContent(u)
	}
	var last PreheatProgress
	out, err := h.client.preheat(context.Background(), PreheatRequest{
		Tasks: SplitTasks(urls, []string{"as1"}), RetryFailed: 1, Wait: true, RefreshFirst: true,
		Progress: func(p PreheatProgress) { last = p },
	}, sim.clock())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 32 || !out.Completed() {
		t.Fatalf("%d results, completed %v: %+v", len(out.Results), out.Completed(), out.Results)
	}
	for _, r := range out.Results {
		wantRefreshes, wantPreheats, wantStatus := 1, 1, StatusSucceed
		switch {
		case strings.Contains(r.URL, "fail-"):
			wantRefreshes, wantPreheats, wantStatus = 2, 0, StatusFailed
		case strings.Contains(r.URL, "flaky"):
			wantRefreshes, wantPreheats = 2, 2 // fails the first refresh, then the first preheat
		}
		got := [3]int{h.emu.RefreshCount(r.URL), h.emu.PreheatCount(r.URL), h.emu.StalePreheats(r.URL)}
		if got != [3]int{wantRefreshes, wantPreheats, 0} || r.Status != wantStatus || r.Attempts != wantPreheats || r.RefreshAttempts != wantRefreshes {
			t.Errorf("%s: refreshed, preheated, stale %v, status %q, attempts %d; want %d, %d, 0, %q, %d",
				r.URL, got, r.Status, r.Attempts, wantRefreshes, wantPreheats, wantStatus, wantPreheats)
		}
	}
	// 3 URL tasks, the asset's, and the retry of the two URLs that failed
	// their refresh; the preheats: the 30 refreshed URLs in tasks of 10 at
	// most per refresh task, and the flaky one's retry.
	if len(out.RefreshTaskIDs) != 5 {
		t.Fatalf("%d refresh tasks, want 5: %v", len(out.RefreshTaskIDs), out.RefreshTaskIDs)
	}
	if len(out.TaskIDs) != 6 {
		t.Fatalf("%d preheat tasks, want 6 (4 released by the refreshes, the flaky URL after its second refresh, its preheat retry): %v", len(out.TaskIDs), out.TaskIDs)
	}
	if got := last.String(); got != "31/32 URLs succeeded, 1 failed, 0 processing; 6 tasks, 5 refresh tasks" {
		t.Fatalf("last progress %q", got)
	}
	if failed := out.FailedURLs(10); len(failed) != 1 || !strings.Contains(failed[0], "fail-28") {
		t.Fatalf("failed URLs %v", failed)
	}
}

func TestRefreshFirstNeedsTheWait(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	_, err := h.client.Preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(numberedURLs("u", 1), nil), RefreshFirst: true})
	if err == nil || !strings.Contains(err.Error(), "needs the wait") || h.emu.RequestCount() != 0 {
		t.Fatalf("error %v after %d requests, want a refusal before any", err, h.emu.RequestCount())
	}
}

// TestRefreshFirstKeepsATasksShape checks a spec of an asset and URLs is
// preheated as one task after its refresh, and that an asset whose refresh
// failed is left out while the spec's refreshed URLs are still preheated.
func TestRefreshFirstKeepsATasksShape(t *testing.T) {
	h, sim := newSimHarness(t, 20*time.Second)
	urls := numberedURLs("u", 3)
	out, err := h.client.preheat(context.Background(), PreheatRequest{
		Tasks: []TaskSpec{{AssetID: "as1", URLs: urls}}, Wait: true, RefreshFirst: true,
	}, sim.clock())
	if err != nil || len(out.TaskIDs) != 1 || len(out.Results) != 5 || !out.AllSucceeded() {
		t.Fatalf("%v: %d preheat tasks, results %+v", err, len(out.TaskIDs), out.Results)
	}
	if sent, _ := h.emu.TaskStatus(out.TaskIDs[0]); len(sent) != 5 {
		t.Fatalf("the preheat task holds %d URLs, want the 3 URLs and the asset's 2", len(sent))
	}

	h2, sim2 := newSimHarness(t, 20*time.Second)
	out, err = h2.client.preheat(context.Background(), PreheatRequest{
		Tasks: []TaskSpec{{AssetID: "as-fail", URLs: urls}}, Wait: true, RefreshFirst: true,
	}, sim2.clock())
	if err != nil || len(out.TaskIDs) != 1 || out.Counts().Failed != 2 || out.Counts().Succeed != 3 {
		t.Fatalf("%v: %d preheat tasks, counts %+v", err, len(out.TaskIDs), out.Counts())
	}
	if sent, _ := h2.emu.TaskStatus(out.TaskIDs[0]); len(sent) != 3 {
		t.Fatalf("the preheat task holds %d URLs, want only the 3 refreshed URLs: %+v", len(sent), sent)
	}
}
