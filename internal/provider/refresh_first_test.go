package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// TestAccPreheatAction_refreshFirst preheats 30 updated URLs with
// refresh_first: each is preheated only after its refresh succeeded (the
// emulator saw no stale preheat), and the one whose refresh failed is not
// preheated at all, which the error says.
func TestAccPreheatAction_refreshFirst(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	var urls []string
	for i := range 30 {
		urls = append(urls, fmt.Sprintf("https://cdn.example.com/r7/%02d.ts", i))
	}
	urls[17] = "https://cdn.example.com/r7/fail-17.ts"
	for _, u := range urls {
		emu.UpdateContent(u)
	}
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls          = ["` + strings.Join(urls, `", "`) + `"]
    refresh_first = true
    poll_interval = "100ms"
`),
		ExpectError: errorMatching("Preheat failed", "1 of 30 URLs", "fail-17.ts",
			"1 URL failed the refresh that comes first (refresh_first) and was not preheated: https://cdn.example.com/r7/fail-17.ts"),
	})
	for _, u := range urls {
		wantPreheats := 1
		if strings.Contains(u, "fail") {
			wantPreheats = 0
		}
		if got := [3]int{emu.RefreshCount(u), emu.PreheatCount(u), emu.StalePreheats(u)}; got != [3]int{1, wantPreheats, 0} {
			t.Errorf("%s: refreshed, preheated, stale %v; want 1, %d, 0", u, got, wantPreheats)
		}
	}
	if refreshes, preheats := emu.countAPI("POST", true), emu.countAPI("POST", false); refreshes != 3 || preheats != 3 {
		t.Fatalf("%d refresh and %d preheat creates, want 3 and 3 (10 + 10 + 10 URLs; 10 + 10 + 9)", refreshes, preheats)
	}
}

func TestAccPreheatAction_refreshFirstNeedsWaiting(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls                = ["https://cdn.example.com/a.mp4"]
    refresh_first       = true
    wait_for_completion = false
`),
		ExpectError: errorMatching("refresh_first needs wait_for_completion"),
	})
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests; the configuration must be refused before any", n)
	}
}

func TestWithRefreshFailuresNamesTheURLsNeverPreheated(t *testing.T) {
	failure := diag.NewErrorDiagnostic("Preheat failed", "2 of 3 URLs failed")
	outcome := vod.PreheatOutcome{Results: []vod.URLResult{
		{URL: "https://cdn.example.com/a", Status: vod.StatusFailed, TaskID: "p1", RefreshTaskID: "r1"}, // its preheat failed
		{URL: "https://cdn.example.com/b", Status: vod.StatusFailed, RefreshTaskID: "r1"},               // its refresh failed
		{URL: "https://cdn.example.com/c", Status: vod.StatusSucceed, TaskID: "p1", RefreshTaskID: "r1"},
	}}
	got := withRefreshFailures(failure, outcome).Detail()
	if !strings.HasSuffix(got, "1 URL failed the refresh that comes first (refresh_first) and was not preheated: https://cdn.example.com/b.") {
		t.Fatalf("detail %q", got)
	}
	if d := withRefreshFailures(failure, vod.PreheatOutcome{}); !d.Equal(failure) {
		t.Fatalf("without refresh failures the error changed: %v", d)
	}
}

// TestAccPreheatingBatch_refreshFirst30URLs: a batch of 30 updated URLs
// with refresh_first. Each URL is preheated only after its refresh
// succeeded (no stale preheat), the URL whose refresh failed is not
// preheated and ends failed, and state says how each refresh and preheat
// ended. A second plan is empty: nothing is refreshed or preheated again.
func TestAccPreheatingBatch_refreshFirst30URLs(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	urls := make([]string, 30)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://cdn.example.com/r8/%02d.ts", i)
	}
	urls[5] = "https://cdn.example.com/r8/fail-05.ts"
	for _, u := range urls {
		emu.UpdateContent(u)
	}
	failed := tfjsonpath.New("preheating_results").AtSliceIndex(5)
	runSteps(t, resource.TestStep{
		Config: emu.batchConfig(`
  urls           = ["` + strings.Join(urls, `", "`) + `"]
  refresh_first  = true
  fail_on_failed = false
  poll_interval  = "100ms"
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectBatchAttr("total", knownvalue.Int64Exact(30)),
			expectBatchAttr("succeed", knownvalue.Int64Exact(29)),
			expectBatchAttr("failed", knownvalue.Int64Exact(1)),
			expectBatchAttr("completed", knownvalue.Bool(true)),
			expectBatchAttr("task_ids", knownvalue.ListSizeExact(3)),
			expectBatchAttr("refresh_task_ids", knownvalue.ListSizeExact(3)),
			expectBatchAttr("refresh_results", knownvalue.ListSizeExact(30)),
			statecheck.ExpectKnownValue(batchAddress, failed, knownvalue.ObjectExact(map[string]knownvalue.Check{
				"url": knownvalue.StringExact(urls[5]), "status": knownvalue.StringExact("failed"),
				"task_id": knownvalue.StringExact(""), "attempts": knownvalue.Int64Exact(0),
			})),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("refresh_results").AtSliceIndex(5), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"url": knownvalue.StringExact(urls[5]), "status": knownvalue.StringExact("failed"),
				"task_id": knownvalue.StringRegexp(taskIDPattern), "attempts": knownvalue.Int64Exact(1),
			})),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("refresh_results").AtSliceIndex(0), urlStatus(urls[0], "succeed")),
		},
	})
	for _, u := range urls {
		wantPreheats := 1
		if strings.Contains(u, "fail") {
			wantPreheats = 0
		}
		if got := [3]int{emu.RefreshCount(u), emu.PreheatCount(u), emu.StalePreheats(u)}; got != [3]int{1, wantPreheats, 0} {
			t.Errorf("%s: refreshed, preheated, stale %v; want 1, %d, 0", u, got, wantPreheats)
		}
	}
	if refreshes, preheats := emu.countAPI("POST", true), emu.countAPI("POST", false); refreshes != 3 || preheats != 3 {
		t.Fatalf("%d refresh and %d preheat creates, want 3 and 3", refreshes, preheats)
	}
}

func TestSetRefreshesKeepsStateOnAReadAndFillsACreate(t *testing.T) {
	ctx := context.Background()
	created := vod.PreheatOutcome{RefreshTaskIDs: []string{"r1"}, Results: []vod.URLResult{
		{URL: "https://cdn.example.com/a", Refresh: "succeed", RefreshTaskID: "r1", RefreshAttempts: 1, TaskID: "p1", Status: "succeed"},
		{URL: "https://cdn.example.com/b", Status: "succeed", TaskID: "p1"}, // not refreshed: not listed
	}}
	var s refreshFirstState
	s.RefreshTaskIDs, s.RefreshResults = types.ListUnknown(types.StringType), types.ListUnknown(urlResultType)
	if diags := s.setRefreshes(ctx, created); diags.HasError() {
		t.Fatal(diags)
	}
	if len(s.RefreshTaskIDs.Elements()) != 1 || len(s.RefreshResults.Elements()) != 1 {
		t.Fatalf("after a create: %v, %v", s.RefreshTaskIDs, s.RefreshResults)
	}
	saved := s
	// A later read's outcome knows nothing of refreshes: state keeps them.
	if diags := s.setRefreshes(ctx, vod.PreheatOutcome{TaskIDs: []string{"p1"}}); diags.HasError() || !s.RefreshResults.Equal(saved.RefreshResults) {
		t.Fatalf("a read changed the refresh results: %v", s.RefreshResults)
	}
	// Without refresh_first a create sets them empty, not unknown.
	var off refreshFirstState
	off.RefreshTaskIDs, off.RefreshResults = types.ListUnknown(types.StringType), types.ListUnknown(urlResultType)
	if diags := off.setRefreshes(ctx, vod.PreheatOutcome{TaskIDs: []string{"p1"}}); diags.HasError() ||
		off.RefreshTaskIDs.IsUnknown() || len(off.RefreshResults.Elements()) != 0 || off.RefreshResults.IsUnknown() {
		t.Fatalf("without refreshes: %v, %v", off.RefreshTaskIDs, off.RefreshResults)
	}
}

// TestAccPreheatingTask_refreshFirst: one task of an asset and three URLs
// with refresh_first is refreshed, then preheated as one task, without the
// URL whose refresh failed.
func TestAccPreheatingTask_refreshFirst(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	urls := []string{"https://cdn.example.com/r9/a.ts", "https://cdn.example.com/r9/fail-b.ts", "https://cdn.example.com/r9/c.ts"}
	for _, u := range urls {
		emu.UpdateContent(u)
	}
	runSteps(t, resource.TestStep{
		Config: emu.taskConfig(`
  asset_id       = "as9"
  urls           = ["` + strings.Join(urls, `", "`) + `"]
  refresh_first  = true
  fail_on_failed = false
  poll_interval  = "100ms"
`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(5)),
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("succeed"), knownvalue.Int64Exact(4)),
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("failed"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("refresh_task_ids"), knownvalue.ListSizeExact(1)),
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("refresh_results"), knownvalue.ListSizeExact(5)),
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("preheating_results").AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"url": knownvalue.StringExact(urls[1]), "status": knownvalue.StringExact("failed"),
				"task_id": knownvalue.StringExact(""), "attempts": knownvalue.Int64Exact(0),
			})),
		},
	})
	if refreshes, preheats := emu.countAPI("POST", true), emu.countAPI("POST", false); refreshes != 1 || preheats != 1 {
		t.Fatalf("%d refresh and %d preheat creates, want 1 and 1", refreshes, preheats)
	}
	for _, u := range append(urls, "https://vod.example.com/asset/as9/index.m3u8") {
		want := 1
		if strings.Contains(u, "fail") {
			want = 0
		}
		if emu.PreheatCount(u) != want || emu.StalePreheats(u) != 0 {
			t.Errorf("%s: preheated %d times (%d stale), want %d", u, emu.PreheatCount(u), emu.StalePreheats(u), want)
		}
	}
}
