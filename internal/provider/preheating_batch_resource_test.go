package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const batchAddress = "vod_preheating_batch.release"

func expectBatchAttr(name string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New(name), value)
}

// newQuotaTestEmulator is newTestEmulator with the tenant's limits set.
func newQuotaTestEmulator(t *testing.T, processingTime time.Duration, quota emulator.Quota) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	e := &testEmulator{}
	e.Server = emulator.New(emulator.Config{
		AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID,
		ProcessingTime: processingTime, Quota: quota,
		Now:          func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) },
		MaxClockSkew: 24 * time.Hour,
	})
	srv := httptest.NewServer(e.Server)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// batchConfig is the batch resource with the given arguments.
func (e *testEmulator) batchConfig(arguments string) string {
	return e.providerBlock() + "\nresource \"vod_preheating_batch\" \"release\" {\n" + arguments + "\n}\n"
}

// releaseURLs is n rendition URLs of a release, as an HCL list.
func releaseURLs(n int, pattern string) string {
	quoted := make([]string, n)
	for i := range quoted {
		quoted[i] = fmt.Sprintf("%q", fmt.Sprintf(pattern, i))
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func TestAccPreheatingBatch_230URLs(t *testing.T) {
	// Huawei's 10 creates and 100 queries a minute, in windows of a second.
	emu := newQuotaTestEmulator(t, 300*time.Millisecond, emulator.Quota{CreatesPerMinute: 10, QueriesPerMinute: 100, Window: time.Second})
	runSteps(t, resource.TestStep{
		Config: emu.batchConfig("  urls = " + releaseURLs(230, "https://cdn.example.com/r1/%03d.ts") + "\n  poll_interval = \"100ms\"\n"),
		ConfigStateChecks: []statecheck.StateCheck{
			expectBatchAttr("total", knownvalue.Int64Exact(230)),
			expectBatchAttr("succeed", knownvalue.Int64Exact(230)),
			expectBatchAttr("completed", knownvalue.Bool(true)),
			expectBatchAttr("all_succeeded", knownvalue.Bool(true)),
			expectBatchAttr("task_ids", knownvalue.ListSizeExact(23)),
			expectBatchAttr("preheating_results", knownvalue.ListSizeExact(230)),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("preheating_results").AtSliceIndex(229), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"url": knownvalue.StringExact("https://cdn.example.com/r1/229.ts"), "status": knownvalue.StringExact("succeed"),
				"task_id": knownvalue.StringRegexp(taskIDPattern), "attempts": knownvalue.Int64Exact(1),
			})),
		},
	})
	if n := emu.countRequests(http.MethodPost) - emu.Throttled(); n != 23 {
		t.Fatalf("%d creates accepted, want 23: one per 10 URLs, none twice", n)
	}
}

func TestAccPreheatingBatch_assetsAndURLs(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runSteps(t, resource.TestStep{
		Config: emu.batchConfig("  urls = " + releaseURLs(15, "https://cdn.example.com/r2/%02d.ts") + "\n  asset_ids = [\"a1\", \"a2\"]\n"),
		ConfigStateChecks: []statecheck.StateCheck{
			expectBatchAttr("task_ids", knownvalue.ListSizeExact(4)), // 10 + 5 URLs, then one per asset
			expectBatchAttr("total", knownvalue.Int64Exact(19)),      // the emulator lists two URLs per asset
			expectBatchAttr("all_succeeded", knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("preheating_results").AtSliceIndex(15).AtMapKey("url"),
				knownvalue.StringExact("https://vod.example.com/asset/a1/index.m3u8")),
		},
	})
}

func TestAccPreheatingBatch_retryFailedResendsOnlyFailedURLs(t *testing.T) {
	emu := newTestEmulator(t, -1)
	var taskIDs []string
	runSteps(t, resource.TestStep{
		Config: emu.batchConfig(`
  urls = ["https://cdn.example.com/ok-1.ts", "https://cdn.example.com/flaky-1.ts", "https://cdn.example.com/ok-2.ts", "https://cdn.example.com/flaky-2.ts"]
  retry_failed  = 2
  poll_interval = "100ms"
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectBatchAttr("all_succeeded", knownvalue.Bool(true)),
			expectBatchAttr("task_ids", knownvalue.ListSizeExact(2)),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("preheating_results").AtSliceIndex(0).AtMapKey("attempts"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("preheating_results").AtSliceIndex(1).AtMapKey("attempts"), knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownValue(batchAddress, tfjsonpath.New("preheating_results").AtSliceIndex(3).AtMapKey("attempts"), knownvalue.Int64Exact(2)),
			captureStrings(batchAddress, "task_ids", &taskIDs),
		},
	})
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d creates, want 2: the batch, then one retry of the flaky URLs", n)
	}
	retried, ok := emu.TaskStatus(taskIDs[1])
	if !ok || len(retried) != 2 || !strings.Contains(retried[0].URL, "flaky") || !strings.Contains(retried[1].URL, "flaky") {
		t.Fatalf("the retry task holds %+v; want only the two flaky URLs", retried)
	}
}

func TestAccPreheatingBatch_partialCreationSavedAndTainted(t *testing.T) {
	// A daily quota of 2 tasks, for a batch of 3.
	emu := newQuotaTestEmulator(t, -1, emulator.Quota{CreatesPerDay: 2})
	config := emu.batchConfig("  urls = " + releaseURLs(25, "https://cdn.example.com/r3/%02d.ts") + "\n")
	var prior []string
	runSteps(t,
		resource.TestStep{
			Config: config,
			ExpectError: errorMatching("The daily preheat quota is used up", "resets daily", "2 preheat tasks were created, covering 20 URLs",
				"not sent: 1 task, 5 URLs", "saved in state", "tainted"),
		},
		resource.TestStep{
			// The two tasks are in state, tainted: the next apply replaces the batch.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionDestroyBeforeCreate),
				priorStrings(batchAddress, "task_ids", &prior),
			}},
			ExpectError: errorMatching("The daily preheat quota is used up"),
		},
	)
	if len(prior) != 2 {
		t.Fatalf("the tainted batch held %d task IDs, want the 2 created", len(prior))
	}
}

func TestAccPreheatingBatch_importTaskList(t *testing.T) {
	emu := newTestEmulator(t, -1)
	first := emu.CreateTask("", []string{"https://cdn.example.com/a.ts", "https://cdn.example.com/b.ts"})
	second := emu.CreateTask("a1", nil)
	config := emu.batchConfig(`  urls = ["https://cdn.example.com/a.ts", "https://cdn.example.com/b.ts"]
  asset_ids = ["a1"]`)
	runSteps(t,
		resource.TestStep{
			Config:             config,
			ResourceName:       batchAddress,
			ImportState:        true,
			ImportStateId:      first + "," + second,
			ImportStatePersist: true,
		},
		resource.TestStep{
			// The configuration adopts the imported tasks in place: no new preheat.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectBatchAttr("id", knownvalue.StringExact(first+","+second)),
				expectBatchAttr("total", knownvalue.Int64Exact(4)),
				expectBatchAttr("all_succeeded", knownvalue.Bool(true)),
			},
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 0 {
		t.Fatalf("%d creates, want 0", n)
	}
}

func TestAccPreheatingBatch_reorderAndReplace(t *testing.T) {
	emu := newTestEmulator(t, -1)
	config := func(urls, assets string) string {
		return emu.batchConfig("  urls = [" + urls + "]\n  asset_ids = [" + assets + "]\n")
	}
	before := 0
	runSteps(t,
		resource.TestStep{Config: config(`"https://cdn.example.com/a.ts", "https://cdn.example.com/b.ts"`, `"a1", "a2"`)},
		resource.TestStep{
			PreConfig:        func() { before = emu.RequestCount() },
			Config:           config(`"https://cdn.example.com/b.ts", "https://cdn.example.com/a.ts"`, `"a2", "a1"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop)}},
		},
		resource.TestStep{
			Config:           config(`"https://cdn.example.com/b.ts"`, `"a2", "a1"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionReplace)}},
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 3+3 {
		t.Fatalf("%d creates, want 6: 3 tasks, then 3 for the changed set", n)
	}
	if before == 0 {
		t.Fatal("the reorder step did not run")
	}
}

func TestAccPreheatingBatch_planTimeErrors(t *testing.T) {
	emu := newTestEmulator(t, -1)
	for name, tc := range map[string]struct{ arguments, want string }{
		"1001 URLs": {"urls = " + releaseURLs(1001, "https://cdn.example.com/x/%04d.ts"), "urls has 1001 URLs; at most 1000 are allowed"},
		"duplicates": {`urls = ["https://cdn.example.com/a.ts", "https://cdn.example.com/b.ts", "https://cdn.example.com/a.ts"]`,
			`"https://cdn.example.com/a.ts" at positions 1, 3`},
		"duplicate assets":   {`asset_ids = ["a1", "a2", "a2"]`, `"a2" at positions 2, 3`},
		"neither":            {`wait_for_completion = true`, "Nothing to preheat"},
		"both empty":         {"urls = []\nasset_ids = []", "Nothing to preheat"},
		"101 assets":         {"asset_ids = " + releaseURLs(101, "asset-%d"), "at most 100 are allowed"},
		"fail without wait":  {"asset_ids = [\"a1\"]\nwait_for_completion = false\nfail_on_failed = true", "fail_on_failed needs wait_for_completion"},
		"retry without wait": {"asset_ids = [\"a1\"]\nwait_for_completion = false\nretry_failed = 1", "retry_failed needs wait_for_completion"},
		"retry_failed 6":     {"asset_ids = [\"a1\"]\nretry_failed = 6", "retry_failed"},
		"over the daily quota": {"urls = " + releaseURLs(1000, "https://cdn.example.com/y/%04d.ts") + "\nasset_ids = " + releaseURLs(100, "asset-%d") + "\nretry_failed = 5",
			"up to 1200 preheats, but Huawei allows 1000 preheats per tenant per day"},
	} {
		t.Run(name, func(t *testing.T) {
			runStep(t, resource.TestStep{Config: emu.batchConfig(tc.arguments), ExpectError: errorMatching(tc.want)})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid input sent %d requests; it must be rejected before any", n)
	}
}

func TestAccPreheatingBatch_finishedBatchIsFinalUnfinishedIsRefreshed(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	config := emu.batchConfig("  urls = " + releaseURLs(12, "https://cdn.example.com/r4/%02d.ts") + "\n  wait_for_completion = false\n")
	queries := 0
	runSteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{expectBatchAttr("processing", knownvalue.Int64Exact(12))}},
		resource.TestStep{
			// An hour later the refresh sees both tasks ended.
			PreConfig:         func() { emu.advance(time.Hour) },
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop)}},
			ConfigStateChecks: []statecheck.StateCheck{expectBatchAttr("completed", knownvalue.Bool(true)), expectBatchAttr("succeed", knownvalue.Int64Exact(12))},
		},
		resource.TestStep{
			PreConfig:        func() { queries = emu.countRequests(http.MethodGet) },
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(batchAddress, plancheck.ResourceActionNoop)}},
		},
	)
	if n := emu.countRequests(http.MethodGet) - queries; n != 0 {
		t.Fatalf("refreshing a finished batch sent %d queries, want 0", n)
	}
}

// captureStrings stores a list-of-strings attribute for later checks.
func captureStrings(address, attribute string, into *[]string) statecheck.StateCheck {
	return captureListCheck{address: address, attribute: attribute, into: into}
}

type captureListCheck struct {
	address, attribute string
	into               *[]string
}

func (c captureListCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.address {
			*c.into = anyStrings(r.AttributeValues[c.attribute])
			return
		}
	}
	resp.Error = fmt.Errorf("no %s in state", c.address)
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// priorStrings is a plan check that stores a list attribute of the prior state.
func priorStrings(address, attribute string, into *[]string) plancheck.PlanCheck {
	return priorListCheck{address: address, attribute: attribute, into: into}
}

type priorListCheck struct {
	address, attribute string
	into               *[]string
}

func (c priorListCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil || req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil || req.Plan.PriorState.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == c.address {
			*c.into = anyStrings(r.AttributeValues[c.attribute])
			return
		}
	}
	resp.Error = fmt.Errorf("no %s in the prior state", c.address)
}
