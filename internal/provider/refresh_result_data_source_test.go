package provider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const refreshResultAddress = "data.vod_refresh_result.test"

func expectRefreshAttr(name string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(refreshResultAddress, tfjsonpath.New(name), value)
}

// refreshReadConfig reads the refresh task taskID with the data source's other arguments.
func (e *testEmulator) refreshReadConfig(taskID, arguments string) string {
	return e.providerBlock() + fmt.Sprintf("\ndata \"vod_refresh_result\" \"test\" {\n  task_id = %q\n%s\n}\n", taskID, arguments)
}

func TestAccRefreshResult_readWithoutWaiting(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	taskID := emu.CreateRefreshTask([]string{"as1"}, []string{"https://cdn.example.com/a.mp4"})
	runStep(t, resource.TestStep{
		Config: emu.refreshReadConfig(taskID, ""),
		ConfigStateChecks: []statecheck.StateCheck{
			expectRefreshAttr("id", knownvalue.StringExact(taskID)),
			expectRefreshAttr("refresh_results", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"url": knownvalue.StringExact("https://cdn.example.com/a.mp4"), "status": knownvalue.StringExact("processing"),
					"task_id": knownvalue.StringExact(taskID), "attempts": knownvalue.Int64Exact(1),
				}),
				urlStatus("https://vod.example.com/asset/as1/index.m3u8", "processing"),
				urlStatus("https://vod.example.com/asset/as1/index.mp4", "processing"),
			})),
			expectRefreshAttr("total", knownvalue.Int64Exact(3)),
			expectRefreshAttr("processing", knownvalue.Int64Exact(3)),
			expectRefreshAttr("succeed", knownvalue.Int64Exact(0)),
			expectRefreshAttr("failed", knownvalue.Int64Exact(0)),
			expectRefreshAttr("completed", knownvalue.Bool(false)),
			expectRefreshAttr("all_succeeded", knownvalue.Bool(false)),
		},
	})
	for _, r := range emu.Requests() {
		if r.Method != http.MethodGet || r.Path != "/v1/"+testProjectID+"/asset/refresh" {
			t.Errorf("%s %s: the data source reads the refresh API only", r.Method, r.Path)
		}
	}
}

func TestAccRefreshResult_waitUntilComplete(t *testing.T) {
	// The clock moves 300ms a query and the two URLs end at 600ms and
	// 1.2s: the first read has to poll four times, however fast Terraform is.
	emu := newSteppedEmulator(t, 1200*time.Millisecond, 300*time.Millisecond)
	taskID := emu.CreateRefreshTask(nil, []string{"https://cdn.example.com/v2/index.m3u8", "https://cdn.example.com/v2/1080p.mp4"})
	runStep(t, resource.TestStep{
		Config: emu.refreshReadConfig(taskID, `
  wait_for_completion = true
  poll_interval       = "100ms"
  fail_on_failed      = true
`),
		ConfigStateChecks: []statecheck.StateCheck{
			expectRefreshAttr("refresh_results", knownvalue.ListExact([]knownvalue.Check{
				urlStatus("https://cdn.example.com/v2/index.m3u8", "succeed"),
				urlStatus("https://cdn.example.com/v2/1080p.mp4", "succeed"),
			})),
			expectRefreshAttr("completed", knownvalue.Bool(true)),
			expectRefreshAttr("all_succeeded", knownvalue.Bool(true)),
		},
	})
	if most := mostRequestsFromOneClient(emu.Requests()); most < 4 {
		t.Fatalf("no read polled until the task ended (at most %d requests per client)", most)
	}
}

func TestAccRefreshResult_failOnFailedAndUnknownTask(t *testing.T) {
	emu := newTestEmulator(t, -1)
	taskID := emu.CreateRefreshTask(nil, []string{"https://cdn.example.com/ok.mp4", "https://cdn.example.com/fail.mp4"})
	runStep(t, resource.TestStep{
		Config:      emu.refreshReadConfig(taskID, "  fail_on_failed = true"),
		ExpectError: errorMatching("Refresh failed", "1 of 2 URLs of refresh task "+taskID, "https://cdn.example.com/fail.mp4"),
	})
	// A preheat task's ID is not a refresh task's.
	emu.SeedTask(testTaskID, nil)
	runStep(t, resource.TestStep{
		Config:      emu.refreshReadConfig(testTaskID, ""),
		ExpectError: errorMatching("VOD API error", "refresh task "+testTaskID, "VOD.10053", "not a refresh task"),
	})
}
