package provider

// Acceptance tests of what counts as done: URLs matched the way a CDN
// matches them, a URL its task does not list, and a wait whose endpoint
// never answered.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	confirmA = "https://cdn.example.com/release/a.mp4"
	confirmB = "https://cdn.example.com/release/b-1.mp4"
)

// TestAccPreheatingTask_respelledURLsAreMatched: a finished task that lists
// the URLs with another host case, the default port and an escaped
// unreserved character is a success, each URL as configured.
func TestAccPreheatingTask_respelledURLsAreMatched(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.ScriptAnswers(emulator.AnswerScript{Respell: map[string]string{
		confirmA: "https://CDN.Example.com:443/release/a.mp4",
		confirmB: "https://cdn.example.com/release/b%2D1.mp4",
	}})
	runSteps(t, resource.TestStep{
		Config: emu.taskConfig(`
  urls          = ["` + confirmA + `", "` + confirmB + `"]
  poll_interval = "100ms"
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectTaskAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus(confirmA, "succeed"), urlStatus(confirmB, "succeed"),
			})),
			expectTaskAttr("total", knownvalue.Int64Exact(2)),
			expectTaskAttr("completed", knownvalue.Bool(true)),
			expectTaskAttr("all_succeeded", knownvalue.Bool(true)),
		},
	})
}

// TestAccPreheatingTask_unlistedURLIsNotASuccess: a finished task that does
// not list a URL sent (it lists b?x=1 instead) fails the apply under
// fail_on_failed, naming the URL and what was listed; the task is kept.
func TestAccPreheatingTask_unlistedURLIsNotASuccess(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.ScriptAnswers(emulator.AnswerScript{Omit: []string{confirmB}, Extra: []emulator.URLSeed{{URL: confirmB + "?x=1"}}})
	runSteps(t, resource.TestStep{
		Config: emu.taskConfig(`
  urls          = ["` + confirmA + `", "` + confirmB + `"]
  poll_interval = "100ms"
`),
		ExpectError: errorMatching("Preheat not confirmed for every URL", `1 of 3 URLs ended with status "not_listed"`,
			confirmB+" (task", "it listed instead: "+confirmB+"?x=1", "retry_failed sends them again", "terraform untaint"),
	})
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d creates, want 1", n)
	}
}

// TestAccPreheatingBatch_unlistedURLWithoutFailOnFailed: without
// fail_on_failed the apply ends, and state says the URL is not_listed, the
// run complete and not all succeeded; retry_failed sends it again.
func TestAccPreheatingBatch_unlistedURLWithoutFailOnFailed(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.ScriptAnswers(emulator.AnswerScript{Omit: []string{confirmB}, Extra: []emulator.URLSeed{{URL: "https://cdn.example.com/other.mp4"}}})
	runSteps(t, resource.TestStep{
		Config: emu.providerBlock() + `
resource "vod_preheating_batch" "release" {
  urls           = ["` + confirmA + `", "` + confirmB + `"]
  fail_on_failed = false
  retry_failed   = 1
  poll_interval  = "100ms"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			expectBatchAttr("completed", knownvalue.Bool(true)),
			expectBatchAttr("all_succeeded", knownvalue.Bool(false)),
			expectBatchAttr("preheating_results", knownvalue.ListPartial(map[int]knownvalue.Check{
				0: urlStatus(confirmA, "succeed"),
				1: knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"url": knownvalue.StringExact(confirmB), "status": knownvalue.StringExact("not_listed"), "attempts": knownvalue.Int64Exact(2),
				}),
			})),
		},
	})
	if n, b := emu.countRequests(http.MethodPost), emu.PreheatCount(confirmB); n != 2 || b != 2 {
		t.Fatalf("%d creates, b preheated %d times; want the retry to send b alone again", n, b)
	}
}

// TestAccPreheatingResult_endpointNeverAnswered: a wait whose endpoint
// refuses every connection from the first ends after max_retries, pointing
// at the endpoint, not at timeouts.read.
func TestAccPreheatingResult_endpointNeverAnswered(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	runStep(t, resource.TestStep{
		Config: strings.Replace(emu.readConfig(`
  wait_for_completion = true
  timeouts = { read = "2m" }
`), emu.URL, closed.URL, 1),
		ExpectError: errorMatching("Cannot read the preheat task", "gave up after 3 attempts:", "connection refused",
			"Check endpoint (or region)"),
	})
}

// TestAccPreheatingTask_refreshKeepsConfiguredSpelling: a refresh of an
// unfinished task matches the API's answer to the saved URLs, so that each
// keeps its configured spelling, and a URL the finished task does not list
// is not_listed there too.
func TestAccPreheatingTask_refreshKeepsConfiguredSpelling(t *testing.T) {
	emu := newTestEmulator(t, time.Hour) // ends only when the test moves the clock
	emu.ScriptAnswers(emulator.AnswerScript{
		Respell: map[string]string{confirmA: "https://CDN.example.com:443/release/a.mp4"},
		Omit:    []string{confirmB},
	})
	config := emu.taskConfig(`
  urls                = ["` + confirmA + `", "` + confirmB + `"]
  wait_for_completion = false
`)
	runSteps(t,
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
					urlStatus(confirmA, "processing"), urlStatus(confirmB, ""),
				})),
				expectTaskAttr("completed", knownvalue.Bool(false)),
			},
		},
		resource.TestStep{
			PreConfig: func() { emu.advance(2 * time.Hour) },
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectTaskAttr("preheating_results", knownvalue.ListExact([]knownvalue.Check{
					urlStatus(confirmA, "succeed"), urlStatus(confirmB, "not_listed"),
				})),
				expectTaskAttr("completed", knownvalue.Bool(true)),
				expectTaskAttr("all_succeeded", knownvalue.Bool(false)),
			},
		},
	)
}

// TestAccPreheatAction_unlistedURLFails: an action whose task's answer
// drops its failing URL does not end "complete": the URL is named.
func TestAccPreheatAction_unlistedURLFails(t *testing.T) {
	emu := newTestEmulator(t, -1)
	const failing = "https://cdn.example.com/release/fail.mp4"
	emu.ScriptAnswers(emulator.AnswerScript{Omit: []string{failing}})
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls          = ["` + confirmA + `", "` + failing + `"]
    poll_interval = "100ms"
`),
		ExpectError: errorMatching("Preheat not confirmed for every URL", `1 of 2 URLs ended with status "not_listed"`, failing),
	})
}
