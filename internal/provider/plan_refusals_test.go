package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// TestAccPlanRefusals: settings that could never work are refused at plan
// time, naming the attribute and what is valid, before any request.
func TestAccPlanRefusals(t *testing.T) {
	emu := newTestEmulator(t, -1)
	task := func(arguments string) string {
		return emu.taskConfig("  urls = [\"https://cdn.example.com/a.mp4\"]\n" + arguments)
	}
	for name, tc := range map[string]struct {
		config string
		want   []string
	}{
		"create timeout of zero": {task(`timeouts = { create = "0s" }`),
			[]string{"Invalid timeouts.create", `timeouts.create is "0s"; it must be a duration above zero`}},
		"negative read timeout": {task(`timeouts = { read = "-1s" }`),
			[]string{"Invalid timeouts.read", `timeouts.read is "-1s"`}},
		"poll_interval over the default create timeout": {task(`poll_interval = "30m"`),
			[]string{"poll_interval longer than the wait", `poll_interval is "30m", longer than timeouts.create (20m)`}},
		"poll_interval over the create timeout": {task("poll_interval = \"10s\"\ntimeouts = { create = \"5s\" }"),
			[]string{"poll_interval longer than the wait", "longer than timeouts.create (5s)", "raise timeouts.create"}},
		"batch create timeout of zero": {emu.providerBlock() + `
resource "vod_preheating_batch" "release" {
  urls     = ["https://cdn.example.com/a.mp4"]
  timeouts = { create = "0s" }
}`, []string{"Invalid timeouts.create"}},
		"data source read timeout of zero": {emu.readConfig(`timeouts = { read = "0s" }`), []string{"Invalid timeouts.read"}},
		"data source poll_interval over its wait": {emu.readConfig("wait_for_completion = true\npoll_interval = \"3m\"\ntimeouts = { read = \"1m\" }"),
			[]string{"poll_interval longer than the wait", "longer than timeouts.read (1m)"}},
		"URL with user info": {emu.taskConfig(`  urls = ["https://user:s3cr3t@cdn.example.com/a.mp4"]`),
			[]string{"Invalid urls", `"https://cdn.example.com/a.mp4" carries user info`, "would be stored in state"}},
		"no credentials": {fmt.Sprintf(`
provider "vod" {
  endpoint   = %q
  project_id = %q
}
resource "vod_preheating_task" "test" {
  urls = ["https://cdn.example.com/a.mp4"]
}`, emu.URL, testProjectID), []string{"Cannot authenticate to Huawei Cloud", "no credentials found", "No request was sent to VOD"}},
	} {
		t.Run(name, func(t *testing.T) {
			runSteps(t, resource.TestStep{Config: tc.config, ExpectError: errorMatching(tc.want...)})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("refused settings sent %d requests; they must be refused before any", n)
	}
	// Without a wait, a long poll_interval has nothing to outlast.
	runSteps(t, resource.TestStep{Config: task("poll_interval = \"30m\"\nwait_for_completion = false\nfail_on_failed = false")})
}

// TestAccPreheatAction_planRefusals: the action refuses a poll_interval
// longer than its timeout and a provider without credentials at plan time.
func TestAccPreheatAction_planRefusals(t *testing.T) {
	emu := newTestEmulator(t, -1)
	keyless := strings.Replace(emu.actionConfig(`urls = ["https://cdn.example.com/a.mp4"]`), emu.providerBlock(), fmt.Sprintf(`
provider "vod" {
  endpoint   = %q
  project_id = %q
}
`, emu.URL, testProjectID), 1)
	for name, tc := range map[string]struct {
		config string
		want   []string
	}{
		"poll_interval over the timeout": {emu.actionConfig("urls = [\"https://cdn.example.com/a.mp4\"]\npoll_interval = \"10s\"\ntimeout = \"5s\""),
			[]string{"poll_interval longer than the wait", "longer than timeout (5s)"}},
		"asset_id and 100 asset_ids": {emu.actionConfig(fmt.Sprintf("asset_id = \"a0\"\nasset_ids = [%s]", quotedIDs(100))),
			[]string{"Too many asset IDs", "asset_ids and asset_id name 101 assets together; at most 100 are allowed"}},
		"no credentials": {keyless, []string{"Cannot authenticate to Huawei Cloud", "A preheat needs credentials", "no credentials found", "No request was sent to VOD"}},
	} {
		t.Run(name, func(t *testing.T) {
			runActionSteps(t, resource.TestStep{Config: tc.config, ExpectError: errorMatching(tc.want...)})
		})
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("refused settings sent %d requests; they must be refused before any", n)
	}
}

// TestURLWithUserInfoNeverEchoesThePassword checks the validators' errors,
// the duplicate check's included, leave the password out.
func TestURLWithUserInfoNeverEchoesThePassword(t *testing.T) {
	const url = "https://user:s3cr3t@cdn.example.com/a.mp4"
	var resp validator.StringResponse
	preheatURLValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("urls").AtListIndex(0), ConfigValue: types.StringValue(url)}, &resp)
	var listResp validator.ListResponse
	list, _ := types.ListValueFrom(context.Background(), types.StringType, []string{url, url})
	uniqueStringsValidator{what: "URL"}.ValidateList(context.Background(), validator.ListRequest{Path: path.Root("urls"), ConfigValue: list}, &listResp)
	for _, diags := range []diag.Diagnostics{resp.Diagnostics, listResp.Diagnostics} {
		if !diags.HasError() {
			t.Fatal("no error")
		}
		for _, d := range diags {
			if strings.Contains(d.Summary()+d.Detail(), "s3cr3t") {
				t.Errorf("the error repeats the password: %s", d.Detail())
			}
		}
	}
}

// TestNotListedDiagnostic checks the words and the severity: an error under
// fail_on_failed, a warning without.
func TestNotListedDiagnostic(t *testing.T) {
	if _, ok := notListedDiagnostic(outcomeWithUnlisted(""), true); ok {
		t.Fatal("a diagnostic without an unlisted URL")
	}
	o := outcomeWithUnlisted("not_listed")
	failure, ok := notListedDiagnostic(o, true)
	if !ok || failure.Severity() != diag.SeverityError || failure.Summary() != "Preheat not confirmed for every URL" {
		t.Fatalf("with fail_on_failed: %v", failure)
	}
	for _, want := range []string{"1 of 2 URLs", "https://cdn.example.com/b.mp4 (task t1; it listed instead: https://cdn.example.com/b.mp4?x=1)"} {
		if !strings.Contains(failure.Detail(), want) {
			t.Errorf("detail %q lacks %q", failure.Detail(), want)
		}
	}
	if warning, _ := notListedDiagnostic(o, false); warning.Severity() != diag.SeverityWarning {
		t.Fatalf("without fail_on_failed: %v", warning)
	}
}

// outcomeWithUnlisted is a finished task of two URLs, b with status.
func outcomeWithUnlisted(status string) vod.PreheatOutcome {
	return vod.PreheatOutcome{
		TaskIDs: []string{"t1"},
		Results: []vod.URLResult{
			{URL: "https://cdn.example.com/a.mp4", Status: "succeed", TaskID: "t1", Attempts: 1},
			{URL: "https://cdn.example.com/b.mp4", Status: status, TaskID: "t1", Attempts: 1},
		},
		ListedInstead: map[string][]string{"t1": {"https://cdn.example.com/b.mp4?x=1"}},
	}
}

// quotedIDs is "a1", "a2", … "an" for HCL.
func quotedIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", fmt.Sprintf("a%d", i+1))
	}
	return strings.Join(ids, ", ")
}
