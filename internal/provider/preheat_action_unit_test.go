package provider

// Unit tests of the vod_preheat action's Invoke, called directly: they run
// under plain go test, without the Terraform CLI.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// invokeAction runs the action's ValidateConfig and Invoke with the given
// configuration, returning the progress messages.
func invokeAction(t *testing.T, emu *testEmulator, values map[string]tftypes.Value) (action.InvokeResponse, []string) {
	t.Helper()
	ctx := context.Background()
	client, _ := emu.unitClient(t)
	a := NewPreheatAction().(*preheatAction)
	a.since = func(time.Time) time.Duration { return 3 * time.Second }
	var schemaResp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &schemaResp)
	var configured action.ConfigureResponse
	a.Configure(ctx, action.ConfigureRequest{ProviderData: &providerData{client: client}}, &configured)
	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	config := tfsdk.Config{Schema: schemaResp.Schema, Raw: objectOf(typ, values)}
	var validated action.ValidateConfigResponse
	a.ValidateConfig(ctx, action.ValidateConfigRequest{Config: config}, &validated)
	if validated.Diagnostics.HasError() {
		return action.InvokeResponse{Diagnostics: validated.Diagnostics}, nil
	}
	var messages []string
	resp := action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) { messages = append(messages, e.Message) }}
	a.Invoke(ctx, action.InvokeRequest{Config: config}, &resp)
	return resp, messages
}

func TestPreheatActionUnit_invokeWaitsAndReports(t *testing.T) {
	emu := newTestEmulator(t, -1)
	urls := make([]string, 12)
	for i := range urls {
		urls[i] = "https://cdn.example.com/u/" + string(rune('a'+i)) + ".ts"
	}
	resp, messages := invokeAction(t, emu, map[string]tftypes.Value{"urls": tfStrings(urls...), "poll_interval": tfString("100ms")})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	joined := strings.Join(messages, "\n")
	if strings.Contains(joined, "; 0 tasks") {
		t.Errorf("progress reported before the first task existed:\n%s", joined)
	}
	for _, want := range []string{"created 2 preheat tasks; waiting for their URLs (timeout 20m)",
		"12/12 succeeded, 0 failed, 0 processing; 2 tasks", "2 preheat tasks (", "complete after 3s: 12 URLs: 12 succeed"} {
		if !strings.Contains(joined, want) {
			t.Errorf("messages lack %q:\n%s", want, joined)
		}
	}
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Errorf("%d creates, want 2", n)
	}
}

func TestPreheatActionUnit_failedURLFails(t *testing.T) {
	emu := newTestEmulator(t, -1)
	resp, _ := invokeAction(t, emu, map[string]tftypes.Value{"urls": tfStrings("https://cdn.example.com/will-fail.ts"), "poll_interval": tfString("100ms")})
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "1 of 1 URLs of preheat task") {
		t.Fatalf("want the fail_on_failed error, got %v", resp.Diagnostics)
	}
	resp, _ = invokeAction(t, emu, map[string]tftypes.Value{"urls": tfStrings("https://cdn.example.com/will-fail.ts"),
		"fail_on_failed": tfBool(false), "poll_interval": tfString("100ms")})
	if resp.Diagnostics.HasError() {
		t.Fatalf("fail_on_failed = false must not fail: %v", resp.Diagnostics)
	}
}

func TestPreheatActionUnit_refusedBeforeAnyRequest(t *testing.T) {
	emu := newTestEmulator(t, -1)
	for name, values := range map[string]map[string]tftypes.Value{
		"nothing":               {"wait_for_completion": tfBool(true)},
		"fail without wait":     {"asset_id": tfString("a1"), "wait_for_completion": tfBool(false), "fail_on_failed": tfBool(true)},
		"retry without wait":    {"asset_id": tfString("a1"), "wait_for_completion": tfBool(false), "retry_failed": tfInt(1)},
		"over the daily quota":  {"asset_ids": tfStrings(manyIDs(100)...), "urls": tfStrings(manyURLs(1000)...), "retry_failed": tfInt(5)},
		"empty lists, no asset": {"asset_ids": tfStrings(), "urls": tfStrings()},
	} {
		if resp, _ := invokeAction(t, emu, values); !resp.Diagnostics.HasError() {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests, want 0", n)
	}
}

func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "asset-" + string(rune('A'+i%26)) + strings.Repeat("x", i/26)
	}
	return ids
}

func manyURLs(n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = "https://cdn.example.com/m/" + strings.Repeat("x", i+1)
	}
	return urls
}

func TestActionProgressLine(t *testing.T) {
	for _, tc := range []struct {
		p    vod.PreheatProgress
		want string
	}{
		{vod.PreheatProgress{Total: 2, Succeed: 1, Processing: 1, Tasks: 1}, "1/2 succeeded, 0 failed, 1 processing"},
		{vod.PreheatProgress{Total: 230, Succeed: 120, Failed: 2, Processing: 108, Tasks: 30, NotCreated: 3},
			"120/230 succeeded, 2 failed, 108 processing; 30 tasks, 3 not yet created"},
	} {
		if got := actionProgressLine(tc.p); got != tc.want {
			t.Errorf("actionProgressLine = %q, want %q", got, tc.want)
		}
	}
}

func TestActionProgressSaysNothingBeforeTheFirstTask(t *testing.T) {
	var lines []string
	p := actionProgress{report: func(s string) { lines = append(lines, s) }, wait: true, timeout: time.Minute}
	p.update(vod.PreheatProgress{Total: 2, Processing: 2, NotCreated: 1})
	if len(lines) != 0 {
		t.Fatalf("reported %q before any task existed", lines)
	}
	p.update(vod.PreheatProgress{Total: 2, Processing: 2, Tasks: 1})
	if want := []string{"created preheat task; waiting for its URLs (timeout 1m)", "0/2 succeeded, 0 failed, 2 processing"}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", lines, want)
	}
}
