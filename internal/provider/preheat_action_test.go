package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// actionConfig attaches the vod_preheat action, configured with arguments,
// to the creation of a terraform_data resource, as a pipeline attaches it
// to the resource that publishes its videos.
func (e *testEmulator) actionConfig(arguments string) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "terraform_data" "publish" {
  input = "release-1"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.vod_preheat.release]
    }
  }
}

action "vod_preheat" "release" {
  config {
%s
  }
}
`, arguments)
}

// runActionSteps runs steps on Terraform 1.14 and newer, which have actions.
func runActionSteps(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps:                    steps,
	})
}

func TestAccPreheatAction_triggeredAfterCreate(t *testing.T) {
	// Each query moves the emulator's clock by 100ms; the two URLs end at
	// 300ms and 600ms, so a wait that polls until done makes exactly 6.
	emu := newSteppedEmulator(t, 600*time.Millisecond, 100*time.Millisecond)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls          = ["https://cdn.example.com/r1/index.m3u8", "https://cdn.example.com/r1/720p.mp4"]
    poll_interval = "100ms"
`),
	})
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests, want 1: the action runs once, after terraform_data is created", n)
	}
	if n := emu.countRequests(http.MethodGet); n != 6 {
		t.Fatalf("%d queries, want 6: the action waits until the query that sees both URLs ended, and no longer", n)
	}
}

func TestAccPreheatAction_failedURL(t *testing.T) {
	emu := newTestEmulator(t, 200*time.Millisecond)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls          = ["https://cdn.example.com/ok.mp4", "https://cdn.example.com/will-fail.mp4"]
    poll_interval = "100ms"
`),
		ExpectError: errorMatching("Preheat failed", "1 of 2 URLs of preheat task", "https://cdn.example.com/will-fail.mp4"),
	})
}

func TestAccPreheatAction_failedURLWithoutFailOnFailed(t *testing.T) {
	// The URL fails on the third query (the clock moves 100ms a query): the
	// action waits for it, then succeeds because fail_on_failed is false.
	emu := newSteppedEmulator(t, 300*time.Millisecond, 100*time.Millisecond)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls           = ["https://cdn.example.com/will-fail.mp4"]
    fail_on_failed = false
    poll_interval  = "100ms"
`),
	})
	if posts, gets := emu.countRequests(http.MethodPost), emu.countRequests(http.MethodGet); posts != 1 || gets != 3 {
		t.Fatalf("%d creates and %d queries, want 1 and 3: the action waits until the URL has failed", posts, gets)
	}
}

func TestAccPreheatAction_timeout(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    urls          = ["https://cdn.example.com/slow.mp4"]
    poll_interval = "200ms"
    timeout       = "5s"
`),
		// The task never ends on its own (ProcessingTime 1h), and 5s leaves
		// room for a poll on a busy machine.
		ExpectError: errorMatching("Timed out waiting for the preheat task", "last seen: 1 URL: 1 processing",
			"still pending: https://cdn.example.com/slow.mp4", "The timeout is 5s; raise timeout"),
	})
}

func TestAccPreheatAction_withoutWaiting(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    asset_id            = "a1b2c3"
    wait_for_completion = false
`),
	})
	// Without waiting, each task is queried once, for the first look the action reports.
	if posts, gets := emu.countRequests(http.MethodPost), emu.countRequests(http.MethodGet); posts != 1 || gets != 1 {
		t.Fatalf("%d creates and %d queries, want 1 and 1", posts, gets)
	}
}

func TestAccPreheatAction_createIsRetriedOnlyWhenThrottled(t *testing.T) {
	urls := `    urls = ["https://cdn.example.com/a.mp4"]`
	t.Run("429 then success", func(t *testing.T) {
		emu := newTestEmulator(t, -1)
		emu.InjectFaults(1, emulator.Fault429("1"))
		runActionSteps(t, resource.TestStep{Config: emu.actionConfig(urls)})
		if n := emu.countRequests(http.MethodPost); n != 2 {
			t.Fatalf("%d create requests, want 2: a throttled create is sent again", n)
		}
	})
	// A create is not retried after a 5xx: TestCreatePreheatingIsNotRetriedOnServerError (internal/vod).
}

func TestAccPreheatAction_validation(t *testing.T) {
	emu := newTestEmulator(t, -1)
	for name, tc := range map[string]struct{ arguments, want string }{
		"neither asset_id nor urls": {`wait_for_completion = true`, "Nothing to preheat"},
		"duplicate url":             {`urls = ["https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4"]`, "at positions 1, 2"},
		"zero timeout":              {"urls = [\"https://cdn.example.com/a.mp4\"]\ntimeout = \"0s\"", "it must be a duration above zero"},
	} {
		t.Run(name, func(t *testing.T) {
			runActionSteps(t, resource.TestStep{Config: emu.actionConfig(tc.arguments), ExpectError: errorMatching(tc.want)})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid input sent %d requests; it must be rejected before any", n)
	}
}

// TestAccPreheatAction_progressInCLIOutput runs the CLI by hand (see
// cliWorkdir): terraform-plugin-testing does not show the CLI's output,
// where Terraform prints an action's progress messages.
func TestAccPreheatAction_progressInCLIOutput(t *testing.T) {
	// 3 URLs ending at 1s, 2s and 3s of an emulator clock that moves 500ms
	// a query: the polls see 0/3, 1/3, 1/3, 2/3, 2/3 and 3/3 however fast
	// or slow the machine is.
	emu := newSteppedEmulator(t, 3*time.Second, 500*time.Millisecond)
	w := newCLIWorkdir(t, "1.14.0", emu.actionConfig(`
    urls = [
      "https://cdn.example.com/r1/index.m3u8",
      "https://cdn.example.com/r1/720p.mp4",
      "https://cdn.example.com/r1/1080p.mp4",
    ]
    poll_interval = "100ms"
`))
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	// Terraform prints each message as "Action action.vod_preheat.release
	// (triggered by terraform_data.publish): <message>".
	prefix := "Action action.vod_preheat.release (triggered by terraform_data.publish): "
	requireInOrder(t, out, prefix+"created preheat task", prefix+"0/3 succeeded, 0 failed, 3 processing",
		prefix+"3/3 succeeded, 0 failed, 0 processing", prefix+"preheat task", "complete after")
	partial := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prefix) + `([12])/3 succeeded, 0 failed, [12] processing$`)
	if partial.FindString(out) == "" {
		t.Errorf("no partial progress (1/3 or 2/3 succeeded) in the output:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "/3 succeeded") && strings.Count(out, line+"\n") != 1 {
			t.Errorf("%q was repeated; only changes are reported:\n%s", line, out)
		}
	}
}

func TestAccPreheatAction_25URLsProgressInCLI(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	w := newCLIWorkdir(t, "1.14.0", emu.actionConfig(`
    urls          = `+releaseURLs(25, "https://cdn.example.com/r5/%02d.ts")+`
    poll_interval = "100ms"
`))
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	prefix := "Action action.vod_preheat.release (triggered by terraform_data.publish): "
	// Each task ID as it is created, before the wait: a run stopped
	// part-way can be followed with the data source's task_ids.
	created := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(prefix)+`preheat task [0-9a-f]{32} created$`).FindAllString(out, -1)
	if len(created) != 3 {
		t.Errorf("%d \"preheat task … created\" lines, want 3:\n%s", len(created), out)
	}
	requireInOrder(t, out, prefix+"created 3 preheat tasks; waiting for their URLs (timeout 20m)",
		prefix+"25/25 succeeded, 0 failed, 0 processing; 3 tasks", prefix+"3 preheat tasks (", "complete after", "25 URLs: 25 succeed")
	if n := emu.countRequests(http.MethodPost); n != 3 {
		t.Fatalf("%d creates, want 3 (10 + 10 + 5 URLs)", n)
	}
}

func TestAccPreheatAction_failOnFailedWithoutWaitingIsRefused(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    asset_id            = "a1"
    wait_for_completion = false
    fail_on_failed      = true
`),
		ExpectError: errorMatching("fail_on_failed needs wait_for_completion", "nothing could fail it"),
	})
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests; the configuration must be refused before any", n)
	}
}

func TestAccPreheatAction_assetIDsAndRetry(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    asset_id      = "a0"
    asset_ids     = ["a1", "a2"]
    urls          = ["https://cdn.example.com/flaky.ts"]
    retry_failed  = 1
    poll_interval = "100ms"
`),
	})
	// One URL task, three asset tasks, and one retry of the flaky URL.
	if n := emu.countRequests(http.MethodPost); n != 5 {
		t.Fatalf("%d creates, want 5", n)
	}
}

// TestAccPreheatAction_assetIDAlsoInAssetIDsPreheatsOnce: asset_id and the
// same ID in asset_ids are one asset, one task.
func TestAccPreheatAction_assetIDAlsoInAssetIDsPreheatsOnce(t *testing.T) {
	emu := newTestEmulator(t, -1)
	runActionSteps(t, resource.TestStep{
		Config: emu.actionConfig(`
    asset_id      = "a1"
    asset_ids     = ["a1", "a2"]
    poll_interval = "100ms"
`),
	})
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d creates, want 2: a1 once and a2", n)
	}
}
