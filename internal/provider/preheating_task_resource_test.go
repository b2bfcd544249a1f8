package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const taskAddress = "vod_preheating_task.test"

var taskIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func expectTaskAttr(name string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New(name), value)
}

// taskBlock is the resource under test with the given arguments.
func (e *testEmulator) taskConfig(arguments string) string {
	return e.providerBlock() + "\nresource \"vod_preheating_task\" \"test\" {\n" + arguments + "\n}\n"
}

// runSteps runs a test case with the provider served in-process.
func runSteps(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
}

// countRequests counts the emulator's finished requests by method.
func (e *testEmulator) countRequests(method string) int {
	n := 0
	for _, r := range e.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// expectReplaced and expectUpdated assert the planned action of the task.
func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(taskAddress, action)}}
}

func TestAccPreheatingTask_createAndWait(t *testing.T) {
	// The emulator's clock moves 300ms at each query, and the 3 URLs end
	// 300ms apart: the first query sees one ended, the third all three,
	// however busy the machine is.
	emu := newSteppedEmulator(t, 900*time.Millisecond, 300*time.Millisecond)
	runSteps(t, resource.TestStep{
		Config: emu.taskConfig(`
  urls = [
    "https://cdn.example.com/release/index.m3u8",
    "https://cdn.example.com/release/720p.mp4",
    "https://cdn.example.com/release/1080p.mp4",
  ]
  poll_interval = "100ms"
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectTaskAttr("id", knownvalue.StringRegexp(taskIDPattern)),
			expectTaskAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/release/index.m3u8", "succeed"),
				urlStatus("https://cdn.example.com/release/720p.mp4", "succeed"),
				urlStatus("https://cdn.example.com/release/1080p.mp4", "succeed"),
			})),
			expectTaskAttr("total", knownvalue.Int64Exact(3)),
			expectTaskAttr("processing", knownvalue.Int64Exact(0)),
			expectTaskAttr("succeed", knownvalue.Int64Exact(3)),
			expectTaskAttr("failed", knownvalue.Int64Exact(0)),
			expectTaskAttr("completed", knownvalue.Bool(true)),
			expectTaskAttr("all_succeeded", knownvalue.Bool(true)),
			expectTaskAttr("wait_for_completion", knownvalue.Bool(true)),
			expectTaskAttr("fail_on_failed", knownvalue.Bool(true)),
			expectTaskAttr("asset_id", knownvalue.Null()),
		},
	})
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1", n)
	}
	// The apply polled until the URLs had ended, and no longer.
	if n := emu.countRequests(http.MethodGet); n != 3 {
		t.Fatalf("%d queries; the URLs end at the third", n)
	}
}

// Without waiting, the one look after the create is bounded on its own:
// when the query window is spent (here 1 query per 10 s, the look's bound
// being about 5 s), the apply ends at once with the task in state and no
// answer yet, instead of waiting for the window to free.
func TestAccPreheatingTask_withoutWaitingASpentQueryWindowDoesNotHoldTheApply(t *testing.T) {
	emu := newQuotaTestEmulator(t, time.Hour, emulator.Quota{QueriesPerMinute: 1, Window: 10 * time.Second})
	emu.SeedTask("0123456789abcdef0123456789abcdef", []emulator.URLSeed{{URL: "https://cdn.example.com/seen.ts", Status: "succeed"}})
	runSteps(t, resource.TestStep{
		PreConfig: func() { // another pipeline spends the query window
			client, _ := emu.unitClient(t)
			if _, err := client.QueryPreheating(context.Background(), "0123456789abcdef0123456789abcdef"); err != nil {
				t.Fatal(err)
			}
		},
		Config: emu.taskConfig(`
  urls                = ["https://cdn.example.com/a.ts"]
  wait_for_completion = false
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectTaskAttr("id", knownvalue.StringRegexp(taskIDPattern)),
			// The look was refused, not waited for: the URL is not answered yet.
			statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("preheating_results").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("")),
		},
	})

	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1", n)
	}
}

func TestAccPreheatingTask_createFromAssetWithoutWaiting(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	config := emu.taskConfig(`
  asset_id            = "a1b2c3"
  wait_for_completion = false
`)
	runSteps(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("id", knownvalue.StringRegexp(taskIDPattern)),
				expectTaskAttr("total", knownvalue.Int64Exact(2)), // the emulator's two playback URLs of an asset
				expectTaskAttr("processing", knownvalue.Int64Exact(2)),
				expectTaskAttr("completed", knownvalue.Bool(false)),
				expectTaskAttr("all_succeeded", knownvalue.Bool(false)),
			},
		},
		resource.TestStep{
			// An hour later, a refresh shows the ended preheat without a new one.
			PreConfig: func() { emu.advance(time.Hour) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(taskAddress, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("succeed", knownvalue.Int64Exact(2)),
				expectTaskAttr("processing", knownvalue.Int64Exact(0)),
				expectTaskAttr("all_succeeded", knownvalue.Bool(true)),
			},
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1", n)
	}
}

func TestAccPreheatingTask_failedURLKeepsTaintedTask(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	urls := `
  urls          = ["https://cdn.example.com/ok.mp4", "https://cdn.example.com/will-fail.mp4"]
  poll_interval = "100ms"
`
	runSteps(t,
		resource.TestStep{
			Config: emu.taskConfig(urls), // fail_on_failed defaults to true
			ExpectError: errorMatching("Preheat failed", "1 of 2 URLs of preheat task", "failed:",
				"https://cdn.example.com/will-fail.mp4", "was created and is saved in state", "tainted",
				"To resume where this run stopped", "terraform untaint", "then terraform apply",
				"To start over, run terraform apply as it is"),
		},
		resource.TestStep{
			// The failed task was kept, tainted: the next apply replaces it. Without
			// fail_on_failed the failed URL is reported in the results, not as an error.
			Config:           emu.taskConfig(urls + "  fail_on_failed = false\n"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("failed", knownvalue.Int64Exact(1)),
				expectTaskAttr("succeed", knownvalue.Int64Exact(1)),
				expectTaskAttr("completed", knownvalue.Bool(true)),
				expectTaskAttr("all_succeeded", knownvalue.Bool(false)),
			},
		},
		// The test case ends with terraform destroy: a failed preheat must not block it.
	)
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2 (the failed task, then its replacement)", n)
	}
}

func TestAccPreheatingTask_destroyAfterFailedPreheat(t *testing.T) {
	emu := newTestEmulator(t, -1)
	config := emu.taskConfig(`
  urls           = ["https://cdn.example.com/will-fail.mp4"]
  fail_on_failed = false
`)
	runSteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{expectTaskAttr("failed", knownvalue.Int64Exact(1))}},
		// Refreshing a failed task, as terraform destroy does first, succeeds.
		resource.TestStep{Config: config, Destroy: true},
	)
}

func TestAccPreheatingTask_createTimeoutKeepsTask(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	// The first poll comes at once after the create, the next one a full
	// create timeout later (a longer poll_interval is refused at plan
	// time), when the deadline has come too: the wait sees one answer,
	// however slow the machine, and then runs into its timeout (a second
	// query, raced against the deadline, is refused unsent).
	urls := `
  urls          = ["https://cdn.example.com/slow.mp4"]
  poll_interval = "3s"
`
	runSteps(t,
		resource.TestStep{
			Config: emu.taskConfig(urls + `  timeouts = { create = "3s" }`),
			ExpectError: errorMatching("Timed out waiting for the preheat task", "last seen: 1 URL: 1 processing",
				"still pending: https://cdn.example.com/slow.mp4", "The create timeout is 3s; raise timeouts.create",
				"was created and is saved in state", "terraform untaint"),
		},
		resource.TestStep{
			// Kept in state and tainted: replaced by the next apply.
			Config:           emu.taskConfig(urls + "  wait_for_completion = false\n"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("processing", knownvalue.Int64Exact(1)),
			},
		},
	)
}

func TestAccPreheatingTask_replaceOnURLsOrTriggersChange(t *testing.T) {
	emu := newTestEmulator(t, -1)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	config := func(url, version, poll string) string {
		return emu.taskConfig(fmt.Sprintf(`
  urls          = [%q]
  triggers      = { content_hash = %q }
  poll_interval = %q
`, url, version, poll))
	}
	idValue := func(c interface {
		AddStateValue(string, tfjsonpath.Path) statecheck.StateCheck
	}) statecheck.StateCheck {
		return c.AddStateValue(taskAddress, tfjsonpath.New("id"))
	}
	runSteps(t,
		resource.TestStep{Config: config("https://cdn.example.com/a.mp4", "v1", "1s"),
			ConfigStateChecks: []statecheck.StateCheck{idValue(newID)}},
		resource.TestStep{Config: config("https://cdn.example.com/a.mp4", "v2", "1s"),
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
			ConfigStateChecks: []statecheck.StateCheck{idValue(newID)}},
		resource.TestStep{Config: config("https://cdn.example.com/b.mp4", "v2", "1s"),
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
			ConfigStateChecks: []statecheck.StateCheck{idValue(newID), idValue(sameID)}},
		// A setting that does not start a preheat is updated in place.
		resource.TestStep{Config: config("https://cdn.example.com/b.mp4", "v2", "2s"),
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{idValue(sameID), expectTaskAttr("poll_interval", knownvalue.StringExact("2s"))}},
	)
	if n := emu.countRequests(http.MethodPost); n != 3 {
		t.Fatalf("%d create requests, want 3", n)
	}
}

func TestAccPreheatingTask_import(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runSteps(t,
		resource.TestStep{Config: emu.taskConfig(`
  urls     = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/will-fail.mp4"]
  triggers = { release = "42" }
  fail_on_failed = false
`)},
		resource.TestStep{
			ResourceName:      taskAddress,
			ImportState:       true,
			ImportStateVerify: true,
			// The API does not return what a task was created with, nor are
			// these settings remote: they are null after an import.
			ImportStateVerifyIgnore: []string{"urls", "asset_id", "triggers", "poll_interval", "timeouts", "fail_on_failed"},
		},
	)
}

func TestAccPreheatingTask_importThenAdoptWithoutReplacement(t *testing.T) {
	emu := newTestEmulator(t, -1)
	taskID := emu.CreateTask("", []string{"https://cdn.example.com/a.mp4"})
	config := func(url string) string {
		return emu.taskConfig(fmt.Sprintf("  urls = [%q]\n  triggers = { release = \"1\" }\n", url))
	}
	runSteps(t,
		resource.TestStep{
			Config:             config("https://cdn.example.com/a.mp4"),
			ResourceName:       taskAddress,
			ImportState:        true,
			ImportStateId:      taskID,
			ImportStatePersist: true,
		},
		resource.TestStep{
			// urls and triggers go from null to the configured values: an update, not a new preheat.
			Config:           config("https://cdn.example.com/a.mp4"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("id", knownvalue.StringExact(taskID)),
				expectTaskAttr("urls", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("https://cdn.example.com/a.mp4")})),
				expectTaskAttr("all_succeeded", knownvalue.Bool(true)),
			},
		},
		resource.TestStep{
			// Once adopted, a change starts a new preheat as usual.
			Config:           config("https://cdn.example.com/b.mp4"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1 (only the replacement of the last step)", n)
	}
}

// Each creating argument is adopted on its own: an in-place update of
// another setting, or adopting urls first, leaves triggers to be adopted
// later without a new preheat.
func TestAccPreheatingTask_importThenAdoptOneArgumentAtATime(t *testing.T) {
	emu := newTestEmulator(t, -1)
	taskID := emu.CreateTask("", []string{"https://cdn.example.com/a.mp4"})
	urls := "  urls = [\"https://cdn.example.com/a.mp4\"]\n"
	runSteps(t,
		resource.TestStep{Config: emu.taskConfig(""), ResourceName: taskAddress, ImportState: true, ImportStateId: taskID, ImportStatePersist: true},
		resource.TestStep{Config: emu.taskConfig("  poll_interval = \"5s\"\n"), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
		resource.TestStep{Config: emu.taskConfig("  poll_interval = \"5s\"\n" + urls), ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate)},
		resource.TestStep{
			Config:            emu.taskConfig("  poll_interval = \"5s\"\n" + urls + "  triggers = { release = \"1\" }\n"),
			ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{expectTaskAttr("id", knownvalue.StringExact(taskID))},
		},
		resource.TestStep{
			// All adopted: a new trigger starts a new preheat.
			Config:           emu.taskConfig("  poll_interval = \"5s\"\n" + urls + "  triggers = { release = \"2\" }\n"),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1 (only the replacement of the last step)", n)
	}
}

func TestAccPreheatingTask_disappearedUnfinishedTaskIsRemoved(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	var taskID string
	config := emu.taskConfig("  urls = [\"https://cdn.example.com/a.mp4\"]\n  wait_for_completion = false\n")
	runSteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{captureString(taskAddress, "id", &taskID)}},
		resource.TestStep{
			// VOD forgot the unfinished task ("no such task", VOD.10062),
			// answering the endpoint and project that created it: the refresh
			// removes it, so the plan creates a new one.
			PreConfig: func() {
				if !emu.DeleteTask(taskID) {
					t.Fatalf("the emulator has no task %q", taskID)
				}
				emu.AnswerUnknownTasksWith(http.StatusNotFound, "VOD.10062")
			},
			Config:           config,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
		},
	)
}

func TestAccPreheatingTask_finishedTaskIsFinal(t *testing.T) {
	emu := newTestEmulator(t, -1)
	var taskID string
	config := emu.taskConfig(`  urls = ["https://cdn.example.com/a.mp4"]`)
	before := 0
	runSteps(t,
		resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{
			captureString(taskAddress, "id", &taskID), expectTaskAttr("completed", knownvalue.Bool(true))}},
		resource.TestStep{
			// A finished task is not read again: VOD forgetting it changes nothing.
			PreConfig: func() {
				before = emu.RequestCount()
				emu.DeleteTask(taskID)
			},
			Config:           config,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("all_succeeded", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("task_id"), knownvalue.NotNull()),
			},
		},
	)
	if n := emu.RequestCount() - before; n != 0 {
		t.Fatalf("plans and refreshes of a finished task sent %d requests, want 0", n)
	}
}

func TestAccPreheatingTask_endpointChangeKeepsState(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	other := newTestEmulator(t, time.Hour) // another endpoint, which does not know the task
	arguments := "  urls = [\"https://cdn.example.com/a.mp4\"]\n  wait_for_completion = false\n"
	var taskID string
	runSteps(t,
		resource.TestStep{Config: emu.taskConfig(arguments), ConfigStateChecks: []statecheck.StateCheck{captureString(taskAddress, "id", &taskID)}},
		resource.TestStep{
			// The other endpoint answers not-found: the task stays, nothing is created.
			Config:           other.taskConfig(arguments),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(taskAddress, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
					if v != taskID {
						return fmt.Errorf("id %q, want the first endpoint's task %q", v, taskID)
					}
					return nil
				})),
			},
		},
	)
	if n := other.countRequests(http.MethodPost); n != 0 {
		t.Fatalf("the second endpoint got %d creates, want 0", n)
	}
	if n := other.countRequests(http.MethodGet); n == 0 {
		t.Fatalf("the second endpoint was never asked: the test proves nothing")
	}
}

func TestAccPreheatingTask_reorderedURLsAreNoChange(t *testing.T) {
	emu := newTestEmulator(t, -1)
	config := func(urls string) string { return emu.taskConfig("  urls = [" + urls + "]\n") }
	runSteps(t,
		resource.TestStep{Config: config(`"https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"`)},
		resource.TestStep{
			Config:           config(`"https://cdn.example.com/b.mp4", "https://cdn.example.com/a.mp4"`),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
		},
		resource.TestStep{
			Config:           config(`"https://cdn.example.com/b.mp4", "https://cdn.example.com/c.mp4"`),
			ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
		},
	)
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2: the reorder starts none", n)
	}
}

func TestAccPreheatingTask_throttledCreateIsRetried(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.InjectFaults(1, emulator.Fault429("1"))
	runSteps(t, resource.TestStep{
		Config:            emu.taskConfig(`  urls = ["https://cdn.example.com/a.mp4"]`),
		ConfigStateChecks: []statecheck.StateCheck{expectTaskAttr("all_succeeded", knownvalue.Bool(true))},
	})
	requests := emu.Requests()
	if len(requests) < 2 || requests[0].Method != http.MethodPost || requests[0].Status != http.StatusTooManyRequests ||
		requests[1].Method != http.MethodPost || requests[1].Status != http.StatusAccepted {
		t.Fatalf("want a 429 then a 202 on create, got %+v", requests)
	}
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2", n)
	}
}

func TestAccPreheatingTask_validation(t *testing.T) {
	emu := newTestEmulator(t, -1)
	eleven := ""
	for i := range 11 {
		eleven += fmt.Sprintf("%q, ", fmt.Sprintf("https://cdn.example.com/%d.mp4", i))
	}
	for name, tc := range map[string]struct {
		arguments string
		want      *regexp.Regexp
	}{
		"neither asset_id nor urls": {`wait_for_completion = true`, errorMatching("Missing Attribute Configuration", "At least one of these attributes must be configured: [asset_id,urls]")},
		"no url":                    {`urls = []`, errorMatching("urls", "list must contain at least 1 elements, got: 0")},
		"eleven urls":               {`urls = [` + eleven + `]`, errorMatching("Too many URLs", "urls has 11 URLs; at most 10 are allowed", "use vod_preheating_batch")},
		"duplicate url":             {`urls = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4"]`, errorMatching("Duplicate URLs", `"https://cdn.example.com/a.mp4" at positions 1, 2`)},
		"empty asset_id":            {`asset_id = ""`, errorMatching("asset_id", "at least 1")},
		"short poll_interval":       {"asset_id = \"a\"\npoll_interval = \"10ms\"", errorMatching("Invalid poll_interval", "at least 100ms")},
		"fail_on_failed without waiting": {"asset_id = \"a\"\nwait_for_completion = false\nfail_on_failed = true",
			errorMatching("fail_on_failed needs wait_for_completion", "nothing could fail it")},
	} {
		t.Run(name, func(t *testing.T) {
			runStep(t, resource.TestStep{Config: emu.taskConfig(tc.arguments), ExpectError: tc.want})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid input sent %d requests; it must be rejected before any", n)
	}
}

// captureString is a state check that stores a string attribute for later steps.
func captureString(address, attribute string, into *string) statecheck.StateCheck {
	return captureCheck{address: address, attribute: attribute, into: into}
}

type captureCheck struct {
	address, attribute string
	into               *string
}

func (c captureCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.address {
			if v, ok := r.AttributeValues[c.attribute].(string); ok {
				*c.into = v
				return
			}
		}
	}
	resp.Error = fmt.Errorf("%s has no string attribute %s", c.address, c.attribute)
}

// TestAccPreheatingTask_disappearedTaskWarns runs the CLI by hand (see
// cliWorkdir) to see the warning, which terraform-plugin-testing does not show.
func TestAccPreheatingTask_disappearedTaskWarns(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	w := newCLIWorkdir(t, "1.5.0", emu.taskConfig("  urls = [\"https://cdn.example.com/a.mp4\"]\n  wait_for_completion = false\n")+`
output "task_id" {
  value = vod_preheating_task.test.id
}
`)
	if out, err := w.run("apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	out, err := w.run("output", "-raw", "task_id")
	if err != nil || !taskIDPattern.MatchString(out) || !emu.DeleteTask(out) {
		t.Fatalf("no task to delete: %v\n%s", err, out)
	}
	taskID := out
	// VOD.10053 ("illegal parameter") may be a bad request: the task stays.
	out, err = w.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	requireInOrder(t, out, "No changes", "Warning: Preheat task not readable", taskID, "VOD.10053", "kept in state, unchanged")
	emu.AnswerUnknownTasksWith(http.StatusNotFound, "VOD.10062")
	out, err = w.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Warning: Preheat task no longer exists", "VOD no longer knows a task of this preheat", taskID,
		"VOD.10062", "which had not finished", "It is removed from state")
	requireInOrder(t, out, "vod_preheating_task.test will be created")
}

func TestAccPreheatingTask_lostAnswerOnCreateIsNotRetried(t *testing.T) {
	emu := newTestEmulator(t, -1)
	// No answer within the request timeout (1s), well inside the create
	// timeout (5m): the client gives up on the attempt, not knowing whether
	// VOD created the task. Sending the request again could double the
	// preheat (and a second attempt would be answered at once), so the
	// error says what to check instead.
	emu.InjectFaults(1, emulator.FaultDelay(3*time.Second))
	runSteps(t, resource.TestStep{
		Config: emu.providerBlockWith(`request_timeout = "1s"`) + `
resource "vod_preheating_task" "test" {
  urls     = ["https://cdn.example.com/a.mp4"]
  timeouts = { create = "5m" }
}
`,
		ExpectError: errorMatching("The preheat request may or may not have started a preheat", "no answer within 1s (the request timeout)",
			"not retried", "check in the VOD console", "terraform import"),
	})
	if n := emu.RequestCount(); n != 1 {
		t.Fatalf("the emulator saw %d requests, want exactly 1: a create whose answer was lost is not retried", n)
	}
}
