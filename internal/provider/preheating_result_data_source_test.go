package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const dataSourceAddress = "data.vod_preheating_result.test"

func expectAttr(name string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSourceAddress, tfjsonpath.New(name), value)
}

func urlStatus(url, status string) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"url": knownvalue.StringExact(url), "status": knownvalue.StringExact(status),
	})
}

func TestAccPreheatingResult_mixedStatusesWithoutWaiting(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/a.mp4", Status: "succeed"},
		{URL: "https://cdn.example.com/b.mp4", Status: "processing"},
		{URL: "https://cdn.example.com/c.mp4", Status: "failed"},
		{URL: "https://cdn.example.com/d.mp4", Status: "queued"}, // not in the docs: shown as it came
	})
	runStep(t, resource.TestStep{
		Config: emu.readConfig(""),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("id", knownvalue.StringExact(testTaskID)),
			expectAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/a.mp4", "succeed"),
				urlStatus("https://cdn.example.com/b.mp4", "processing"),
				urlStatus("https://cdn.example.com/c.mp4", "failed"),
				urlStatus("https://cdn.example.com/d.mp4", "queued"),
			})),
			expectAttr("total", knownvalue.Int64Exact(4)),
			expectAttr("processing", knownvalue.Int64Exact(1)),
			expectAttr("succeed", knownvalue.Int64Exact(1)),
			expectAttr("failed", knownvalue.Int64Exact(1)),
			expectAttr("completed", knownvalue.Bool(false)),
			expectAttr("all_succeeded", knownvalue.Bool(false)),
		},
	})
}

func TestAccPreheatingResult_waitUntilComplete(t *testing.T) {
	emu := newTestEmulator(t, 2*time.Second)
	// The task's 2s start when the first query arrives, however long
	// Terraform takes to get there, so the first read finds it processing.
	var seedOnce sync.Once
	lazy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seedOnce.Do(func() {
			emu.SeedTask(testTaskID, []emulator.URLSeed{
				{URL: "https://cdn.example.com/release/index.m3u8"},
				{URL: "https://cdn.example.com/release/1080p.mp4"},
			})
		})
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(lazy.Close)
	emu.URL = lazy.URL
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
  poll_interval       = "200ms"
  fail_on_failed      = true
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/release/index.m3u8", "succeed"),
				urlStatus("https://cdn.example.com/release/1080p.mp4", "succeed"),
			})),
			expectAttr("total", knownvalue.Int64Exact(2)),
			expectAttr("processing", knownvalue.Int64Exact(0)),
			expectAttr("succeed", knownvalue.Int64Exact(2)),
			expectAttr("completed", knownvalue.Bool(true)),
			expectAttr("all_succeeded", knownvalue.Bool(true)),
		},
	})
	// Terraform reads the data source several times per step, each time
	// through a newly configured client, so count per connection: one read
	// must have polled more than once.
	if most := mostRequestsFromOneClient(emu.Requests()); most < 2 {
		t.Fatalf("no read polled more than once (at most %d request per client): %+v", most, emu.Requests())
	}
}

// mostRequestsFromOneClient is the largest number of requests that came
// over one connection.
func mostRequestsFromOneClient(requests []emulator.RecordedRequest) int {
	perClient := map[string]int{}
	most := 0
	for _, r := range requests {
		perClient[r.RemoteAddr]++
		most = max(most, perClient[r.RemoteAddr])
	}
	return most
}

func TestAccPreheatingResult_failOnFailed(t *testing.T) {
	emu := newTestEmulator(t, 500*time.Millisecond)
	emu.SeedTask(testTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/ok.mp4"},
		{URL: "https://cdn.example.com/will-fail.mp4"}, // the emulator fails URLs containing "fail"
	})
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
  poll_interval       = "100ms"
  fail_on_failed      = true
`),
		ExpectError: errorMatching("Preheat failed", "1 of 2 URLs of preheat task "+testTaskID+" failed:", "https://cdn.example.com/will-fail.mp4"),
	})
}

func TestAccPreheatingResult_failedURLsWithoutFailOnFailed(t *testing.T) {
	emu := newTestEmulator(t, -1) // URLs end at once
	emu.SeedTask(testTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/ok.mp4"},
		{URL: "https://cdn.example.com/will-fail.mp4"},
	})
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("failed", knownvalue.Int64Exact(1)),
			expectAttr("succeed", knownvalue.Int64Exact(1)),
			expectAttr("completed", knownvalue.Bool(true)),
			expectAttr("all_succeeded", knownvalue.Bool(false)),
		},
	})
}

func TestAccPreheatingResult_readTimeout(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/done.mp4", Status: "succeed"},
		{URL: "https://cdn.example.com/slow.mp4", Status: "processing"}, // never ends on its own
	})
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
  poll_interval       = "200ms"
  timeouts = {
    read = "5s"
  }
`),
		// How long the wait ran depends on the machine (it can stop short of
		// 2s when the next poll would land past the deadline): any duration.
		ExpectError: regexp.MustCompile(`(?s)Timed out waiting for the preheat task.*timed\s+out\s+after\s+[0-9.]+(ms|s)\s.*` +
			`last\s+seen:\s+2\s+URLs:\s+1\s+processing,\s+1\s+succeed.*` +
			`still\s+pending:\s+https://cdn\.example\.com/slow\.mp4.*The\s+read\s+timeout\s+is\s+5s`),
	})
}

func TestAccPreheatingResult_wrongSecretKeyIsNotRetried(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	runStep(t, resource.TestStep{
		Config:      emu.readConfigWithSecret("not-the-secret-key", ""),
		ExpectError: regexp.MustCompile(`(?s)VOD API error.*HTTP 401\s+Unauthorized,\s+error_code\s+APIGW.0301,\s+error_msg\s+"Incorrect\s+IAM\s+authentication\s+information:\s+verify\s+aksk\s+signature\s+fail",\s+X-Request-Id\s+[0-9a-f]{32}`),
	})
	if n := emu.RequestCount(); n != 1 {
		t.Fatalf("the emulator saw %d requests, want exactly 1: a 401 must not be retried", n)
	}
}

func TestAccPreheatingResult_retriesAfterThrottling(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	emu.InjectFaults(1, emulator.Fault429("1"))
	runStep(t, resource.TestStep{
		Config: emu.readConfig(""),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/a.mp4", "succeed"),
			})),
			expectAttr("all_succeeded", knownvalue.Bool(true)),
		},
	})
	requests := emu.Requests()
	if len(requests) < 2 || requests[0].Status != 429 || requests[1].Status != 200 {
		t.Fatalf("want a 429 then a 200, got %+v", requests)
	}
}

func TestAccPreheatingResult_serverErrorsExhaustRetries(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	emu.InjectFaults(1, emulator.Fault503HTML())
	emu.InjectFaults(10, emulator.Fault500())
	runStep(t, resource.TestStep{
		Config:      emu.readConfig(""),
		ExpectError: regexp.MustCompile(`(?s)gave\s+up\s+after\s+3\s+attempts:.*HTTP\s+500\s+Internal\s+Server\s+Error,\s+error_code\s+APIGW.0601.*X-Request-Id\s+[0-9a-f]{32}`),
	})
	if n := emu.RequestCount(); n != 3 {
		t.Fatalf("the emulator saw %d requests, want 3 (1 + max_retries 2)", n)
	}
}

func TestAccPreheatingResult_unknownTask(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	runStep(t, resource.TestStep{
		Config:      emu.providerBlock() + dataBlock(`task_id = "00000000000000000000000000000000"`),
		ExpectError: regexp.MustCompile(`(?s)HTTP\s+400\s+Bad\s+Request,\s+error_code\s+VOD.10053.*task_id.*X-Request-Id\s+[0-9a-f]{32}`),
	})
	if n := emu.RequestCount(); n != 1 {
		t.Fatalf("the emulator saw %d requests, want exactly 1: a 400 must not be retried", n)
	}
}

func TestAccPreheatingResult_validation(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	cases := []struct {
		name, arguments string
		want            *regexp.Regexp
	}{
		{"empty task_id", `task_id = ""`, regexp.MustCompile(`(?s)Invalid task_id.*task_id is empty`)},
		{"whitespace in task_id", `task_id = " 5199337c31c8e4622f1590735b13a263"`, regexp.MustCompile(`(?s)Invalid task_id.*has whitespace`)},
		{"control character in task_id", `task_id = "5199337c\u0007"`, regexp.MustCompile(`(?s)Invalid task_id.*has a control character`)},
		{"poll_interval not a duration", `
  task_id       = "5199337c31c8e4622f1590735b13a263"
  poll_interval = "5 seconds"`, errorMatching("Invalid Time Duration String Value", `poll_interval = "5 seconds"`, `such as "300ms"`)},
		{"poll_interval too short", `
  task_id       = "5199337c31c8e4622f1590735b13a263"
  poll_interval = "1ns"`, regexp.MustCompile(`(?s)Invalid poll_interval.*at least 100ms`)},
		{"read timeout not a duration", `
  task_id  = "5199337c31c8e4622f1590735b13a263"
  timeouts = { read = "soon" }`, errorMatching(`"soon" must be a string containing a sequence of decimal numbers`)},
		{"neither task_id nor task_ids", `wait_for_completion = true`, errorMatching("Invalid Attribute Combination", "task_id", "task_ids")},
		{"both task_id and task_ids", `
  task_id  = "5199337c31c8e4622f1590735b13a263"
  task_ids = ["6c1f0000000000000000000000000000"]`, errorMatching("Invalid Attribute Combination", "task_id", "task_ids")},
		{"whitespace in a batch id of task_ids", `task_ids = ["5199337c31c8e4622f1590735b13a263,6c1f 0000"]`, regexp.MustCompile(`(?s)Invalid task_id.*has whitespace`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runStep(t, resource.TestStep{Config: emu.providerBlock() + dataBlock(tc.arguments), ExpectError: tc.want})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid input sent %d requests; it must be rejected before any", n)
	}
}

// TestAccPreheatingResult_failOnFailedBlocksDestroy checks what the docs say:
// fail_on_failed fails the read itself, so destroy's refresh fails too, until
// -refresh=false. Run by hand (see cliWorkdir) to run terraform destroy.
func TestAccPreheatingResult_failOnFailedBlocksDestroy(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.seedReleaseTasks()
	w := newCLIWorkdir(t, "1.5.0", emu.providerBlock()+withPipelineResource+`
variable "preheat_task_id" {
  type = string
}

data "vod_preheating_result" "release" {
  task_id        = var.preheat_task_id
  fail_on_failed = true
}
`)
	if out, err := w.run("apply", "-auto-approve", "-input=false", "-var=preheat_task_id="+goodTaskID); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	out, err := w.run("destroy", "-auto-approve", "-input=false", "-var=preheat_task_id="+badTaskID)
	if err == nil {
		t.Fatalf("destroy went through; the docs say fail_on_failed blocks it:\n%s", out)
	}
	requireInOrder(t, out, "Error: Preheat failed", "1 of 2 URLs of preheat task "+badTaskID+" failed")
	if out, err = w.run("destroy", "-auto-approve", "-input=false", "-refresh=false", "-var=preheat_task_id="+badTaskID); err != nil {
		t.Fatalf("destroy -refresh=false: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Destroy complete! Resources: 1 destroyed.")
}

func TestAccPreheatingResult_attemptTimeoutIsNotTheReadTimeout(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	emu.InjectFaults(3, emulator.FaultStall())
	runStep(t, resource.TestStep{
		Config: emu.providerBlockWith(`request_timeout = "1s"`) + dataBlock(fmt.Sprintf("task_id = %q", testTaskID)),
		ExpectError: errorMatching("Cannot read the preheat task", "gave up after 3 attempts:",
			"no answer within 1s (the request timeout), attempt 3 of 3"),
	})
	if n := emu.RequestCount(); n != 3 {
		t.Fatalf("the emulator saw %d requests, want 3", n)
	}
}

func TestAccPreheatingResult_undecodableAnswerIsRetried(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	emu.InjectFaults(1, emulator.FaultHTML(200))
	emu.InjectFaults(1, emulator.FaultTruncatedJSON(200))
	emu.AnswerQueriesWith(202) // as Huawei's API reference says
	runStep(t, resource.TestStep{
		Config:            emu.readConfig(""),
		ConfigStateChecks: []statecheck.StateCheck{expectAttr("all_succeeded", knownvalue.Bool(true))},
	})
	if requests := emu.Requests(); len(requests) < 3 || requests[0].Status != 200 || requests[1].Status != 200 || requests[2].Status != 202 {
		t.Fatalf("want two undecodable 200s then a 202, got %+v", requests)
	}
}

func TestAccPreheatingResult_undecodableAnswerDiagnostic(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.InjectFaults(3, emulator.FaultTruncatedJSON(200))
	runStep(t, resource.TestStep{
		Config: emu.readConfig(""),
		ExpectError: regexp.MustCompile(`(?s)gave\s+up\s+after\s+3\s+attempts:.*could\s+not\s+decode\s+the\s+200\s+answer:.*` +
			`first\s+bytes:.*preheating_results.*X-Request-Id\s+[0-9a-f]{32}`),
	})
}

// TestAccPreheatingResult_waitEndsOnARetryBeyondTheDeadline: the second poll
// is throttled with a Retry-After past the read timeout; the wait still ends
// with its own report of what it last saw.
func TestAccPreheatingResult_waitEndsOnARetryBeyondTheDeadline(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/slow.mp4"}})
	emu.InjectFaults(1, emulator.FaultDelay(time.Millisecond)) // the first poll is answered
	emu.InjectFaults(1, emulator.Fault429("3600"))
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
  poll_interval       = "100ms"
  timeouts = {
    read = "5m"
  }
`),
		ExpectError: errorMatching("Timed out waiting for the preheat task", "last seen: 1 URL: 1 processing",
			"still pending: https://cdn.example.com/slow.mp4", "not retrying: the next attempt would start in 1h (the server's Retry-After)",
			"HTTP 429", "The read timeout is 5m;"),
	})
	if n := emu.RequestCount(); n != 2 {
		t.Fatalf("the emulator saw %d requests, want 2", n)
	}
}

func TestAccPreheatingResult_connectionRefused(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	runStep(t, resource.TestStep{
		Config:      strings.Replace(emu.readConfig(""), emu.URL, closed.URL, 1),
		ExpectError: errorMatching("gave up after 3 attempts:", "connection refused"),
	})
}

// newSteppedEmulator is an emulator whose clock moves only by perQuery at
// each query (GET) it receives: a task's progress then depends on how many
// times it was polled, never on how fast the machine runs the test.
func newSteppedEmulator(t *testing.T, processingTime, perQuery time.Duration) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	e := &testEmulator{}
	start := time.Now()
	e.Server = emulator.New(emulator.Config{
		AccessKey:      testAccessKey,
		SecretKey:      testSecretKey,
		ProjectID:      testProjectID,
		ProcessingTime: processingTime,
		Now:            func() time.Time { return start.Add(time.Duration(e.skew.Load())) },
		MaxClockSkew:   24 * time.Hour, // the clock stands still between queries
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			e.skew.Add(int64(perQuery))
		}
		e.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// TestAccPreheatingResult_uppercaseStatuses: the SDKs' enums spell the
// statuses PROCESSING, SUCCEED and FAILED; an API answering so is counted
// the same (the wait ends, the counts add up) and the results spell them
// as the API docs do, so that `r.status == "failed"` finds the failed URL.
func TestAccPreheatingResult_uppercaseStatuses(t *testing.T) {
	emu := startEmulator(t, emulator.Config{UppercaseStatus: true, ProcessingTime: -1})
	emu.SeedTask(testTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/ok.mp4"},
		{URL: "https://cdn.example.com/will-fail.mp4"},
	})
	runStep(t, resource.TestStep{
		Config: emu.readConfig(`
  wait_for_completion = true
  poll_interval       = "100ms"
  timeouts = { read = "30s" } # a client blind to the spelling would wait out this
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/ok.mp4", "succeed"),
				urlStatus("https://cdn.example.com/will-fail.mp4", "failed"),
			})),
			expectAttr("succeed", knownvalue.Int64Exact(1)),
			expectAttr("failed", knownvalue.Int64Exact(1)),
			expectAttr("completed", knownvalue.Bool(true)),
			expectAttr("all_succeeded", knownvalue.Bool(false)),
		},
	})
}

// TestAccPreheatingResult_severalTasksInOneRead follows three tasks, one of
// them named through a batch's id (task IDs separated by commas), in one
// wait: the results list every task's URLs, in order.
func TestAccPreheatingResult_severalTasksInOneRead(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	emu.SeedTask("task-a", []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	emu.SeedTask("task-b", []emulator.URLSeed{{URL: "https://cdn.example.com/b.mp4", Status: "failed"}})
	emu.SeedTask("task-c", []emulator.URLSeed{{URL: "https://cdn.example.com/c.mp4"}}) // ends after an hour
	config := emu.providerBlock() + dataBlock(`
  task_ids            = ["task-a,task-b", "task-c"]
  wait_for_completion = true
  poll_interval       = "100ms"`)
	runStep(t, resource.TestStep{
		PreConfig: func() { emu.advance(2 * time.Hour) },
		Config:    config,
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("id", knownvalue.StringExact("task-a,task-b,task-c")),
			expectAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/a.mp4", "succeed"),
				urlStatus("https://cdn.example.com/b.mp4", "failed"),
				urlStatus("https://cdn.example.com/c.mp4", "succeed"),
			})),
			expectAttr("completed", knownvalue.Bool(true)),
			expectAttr("failed", knownvalue.Int64Exact(1)),
		},
	})
	runStep(t, resource.TestStep{
		Config:      emu.providerBlock() + dataBlock(`task_ids = ["task-a", "task-b"]`+"\n  fail_on_failed = true"),
		ExpectError: errorMatching("Preheat failed", "1 of 2 URLs of 2 preheat tasks (task-a, task-b)", "https://cdn.example.com/b.mp4"),
	})
}
