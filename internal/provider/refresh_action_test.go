package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// refreshActionConfig attaches the vod_refresh action, configured with
// arguments, to the creation of a terraform_data resource.
func (e *testEmulator) refreshActionConfig(arguments string) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "terraform_data" "publish" {
  input = "release-2"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.vod_refresh.release]
    }
  }
}

action "vod_refresh" "release" {
  config {
%s
  }
}
`, arguments)
}

// countAPI counts the emulator's requests of one method to the refresh
// API (refresh true) or the preheat API.
func (e *testEmulator) countAPI(method string, refresh bool) int {
	n := 0
	for _, r := range e.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, "/asset/refresh") == refresh {
			n++
		}
	}
	return n
}

// TestAccRefreshAction_25URLsProgressInCLI runs the CLI by hand (see
// cliWorkdir) to see the action's progress messages.
func TestAccRefreshAction_25URLsProgressInCLI(t *testing.T) {
	emu := newTestEmulator(t, 300*time.Millisecond)
	urls := releaseURLs(25, "https://cdn.example.com/r6/%02d.ts")
	w := newCLIWorkdir(t, "1.14.0", emu.refreshActionConfig(`
    urls          = `+urls+`
    poll_interval = "100ms"
`))
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	prefix := "Action action.vod_refresh.release (triggered by terraform_data.publish): "
	requireInOrder(t, out, prefix+"created 3 refresh tasks; waiting for their URLs (timeout 20m)",
		prefix+"25/25 succeeded, 0 failed, 0 processing; 3 tasks", prefix+"3 refresh tasks (", "complete after", "25 URLs: 25 succeed")
	if strings.Contains(out, "preheat") {
		t.Errorf("the refresh action's output speaks of preheats:\n%s", out)
	}
	if creates, preheats := emu.countAPI(http.MethodPost, true), emu.countAPI(http.MethodPost, false)+emu.countAPI(http.MethodGet, false); creates != 3 || preheats != 0 {
		t.Fatalf("%d refresh creates and %d preheat requests, want 3 (10 + 10 + 5 URLs) and 0", creates, preheats)
	}
	for i := range 25 {
		if u := fmt.Sprintf("https://cdn.example.com/r6/%02d.ts", i); emu.RefreshCount(u) != 1 {
			t.Errorf("%s refreshed %d times, want 1", u, emu.RefreshCount(u))
		}
	}
}

func TestAccRefreshAction_failedURLAndRetry(t *testing.T) {
	t.Run("failed", func(t *testing.T) {
		emu := newTestEmulator(t, 200*time.Millisecond)
		runActionSteps(t, resource.TestStep{
			Config: emu.refreshActionConfig(`
    urls          = ["https://cdn.example.com/ok.mp4", "https://cdn.example.com/will-fail.mp4"]
    poll_interval = "100ms"
`),
			ExpectError: errorMatching("Refresh failed", "1 of 2 URLs of refresh task", "https://cdn.example.com/will-fail.mp4"),
		})
	})
	t.Run("flaky URL retried, asset refreshed", func(t *testing.T) {
		emu := newTestEmulator(t, -1)
		runActionSteps(t, resource.TestStep{
			Config: emu.refreshActionConfig(`
    asset_ids     = ["a1"]
    urls          = ["https://cdn.example.com/flaky.ts"]
    retry_failed  = 1
    poll_interval = "100ms"
`),
		})
		// One URL task, one asset task, and one retry of the flaky URL.
		if n := emu.countAPI(http.MethodPost, true); n != 3 || emu.RefreshCount("https://cdn.example.com/flaky.ts") != 2 {
			t.Fatalf("%d refresh creates, flaky URL refreshed %d times; want 3 and 2", n, emu.RefreshCount("https://cdn.example.com/flaky.ts"))
		}
	})
}

func TestAccRefreshAction_timeoutSaysRefresh(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	runActionSteps(t, resource.TestStep{
		Config: emu.refreshActionConfig(`
    urls          = ["https://cdn.example.com/slow.mp4"]
    poll_interval = "200ms"
    timeout       = "1s"
`),
		ExpectError: errorMatching("Timed out waiting for the refresh task", "still pending: https://cdn.example.com/slow.mp4",
			"The timeout is 1s; raise timeout", "vod_refresh_result"),
	})
}

// TestAccRefreshAction_refusedAtPlanWithoutARequest checks bad input and a
// run that could need more than the 1000 refreshes Huawei allows a day are
// refused before any request.
func TestAccRefreshAction_refusedAtPlanWithoutARequest(t *testing.T) {
	emu := newTestEmulator(t, -1)
	var assets []string
	for i := range 100 {
		assets = append(assets, fmt.Sprintf("%q", fmt.Sprintf("asset-%03d", i)))
	}
	overDaily := "urls = " + releaseURLs(1000, "https://cdn.example.com/big/%04d.ts") +
		"\nasset_ids = [" + strings.Join(assets, ", ") + "]\nretry_failed = 5"
	for name, tc := range map[string]struct {
		arguments string
		want      []string
	}{
		"over the daily limit": {overDaily, []string{"More refreshes than the daily quota", "200 tasks", "up to 1200 refreshes",
			"Huawei allows 1000 refreshes per tenant per day"}},
		"nothing":         {`wait_for_completion = true`, []string{"Nothing to refresh"}},
		"URL too long":    {`urls = ["https://cdn.example.com/` + strings.Repeat("a", 10240) + `"]`, []string{"urls", "at most 10240"}},
		"retry unwaited":  {"urls = [\"https://cdn.example.com/a.mp4\"]\nwait_for_completion = false\nretry_failed = 1", []string{"retry_failed needs wait_for_completion"}},
		"fail unwaited":   {"urls = [\"https://cdn.example.com/a.mp4\"]\nwait_for_completion = false\nfail_on_failed = true", []string{"fail_on_failed needs wait_for_completion"}},
		"duplicate asset": {`asset_ids = ["a1", "a1"]`, []string{"at positions 1, 2"}},
	} {
		t.Run(name, func(t *testing.T) {
			runActionSteps(t, resource.TestStep{Config: emu.refreshActionConfig(tc.arguments), ExpectError: errorMatching(tc.want...)})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("invalid input sent %d requests; it must be refused before any", n)
	}
	// Just under the limit plans and runs: 100 URL tasks + 100 asset tasks, 5 rounds at most.
	underDaily := "urls = " + releaseURLs(1000, "https://cdn.example.com/big/%04d.ts") +
		"\nasset_ids = [" + strings.Join(assets, ", ") + "]\nretry_failed = 4\npoll_interval = \"100ms\""
	runActionSteps(t, resource.TestStep{Config: emu.refreshActionConfig(underDaily)})
	if n := emu.countAPI(http.MethodPost, true); n != 200 {
		t.Fatalf("%d refresh creates, want 200", n)
	}
}

// TestAccRecipe_releaseUpdatedVideo applies recipe 9: on an update the
// refresh ends before the preheat starts, so nothing stale is preheated;
// recipe 4, which only preheats, warms the stale copy.
func TestAccRecipe_releaseUpdatedVideo(t *testing.T) {
	urls := []string{"https://cdn.example.com/videos/launch/index.m3u8", "https://cdn.example.com/videos/launch/1080p.mp4"}
	for _, tc := range []struct {
		recipe     string
		wantStale  int
		refreshing bool
	}{
		{"release-updated-video", 0, true},
		{"action-trigger", 1, false},
	} {
		t.Run(tc.recipe, func(t *testing.T) {
			emu := newTestEmulator(t, 300*time.Millisecond)
			w := newCLIWorkdir(t, "1.14.0", emu.recipe(t, tc.recipe))
			if out, err := w.run("apply", "-auto-approve", "-input=false", "-var=release_version=1"); err != nil {
				t.Fatalf("terraform apply: %v\n%s", err, out)
			}
			for _, u := range urls {
				emu.UpdateContent(u) // version 2 replaces the videos under the same URLs
			}
			out, err := w.run("apply", "-auto-approve", "-input=false", "-var=release_version=2")
			if err != nil {
				t.Fatalf("terraform apply: %v\n%s", err, out)
			}
			if tc.refreshing {
				requireInOrder(t, out, "Action action.vod_refresh.release (triggered by terraform_data.video): created refresh task",
					"2/2 succeeded", "Action action.vod_preheat.release (triggered by terraform_data.video): created preheat task",
					"2/2 succeeded", "Actions: 2 invoked.")
			}
			for _, u := range urls {
				wantRefreshes := 0
				if tc.refreshing {
					wantRefreshes = 1
				}
				if emu.StalePreheats(u) != tc.wantStale || emu.PreheatCount(u) != 2 || emu.RefreshCount(u) != wantRefreshes {
					t.Errorf("%s: %d stale preheats, %d preheats, %d refreshes; want %d, 2, %d",
						u, emu.StalePreheats(u), emu.PreheatCount(u), emu.RefreshCount(u), tc.wantStale, wantRefreshes)
				}
			}
		})
	}
}
