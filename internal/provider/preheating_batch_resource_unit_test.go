package provider

// Unit tests of vod_preheating_batch's methods, called directly: they run
// under plain go test, without the Terraform CLI.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func batchPlan(urls []string, extra map[string]tftypes.Value) map[string]tftypes.Value {
	values := map[string]tftypes.Value{"urls": tfStrings(urls...), "wait_for_completion": tfBool(true),
		"fail_on_failed": tfBool(true), "retry_failed": tfInt(0), "poll_interval": tfString("100ms")}
	for k, v := range extra {
		values[k] = v
	}
	return values
}

func TestPreheatingBatchUnit_createReadImport(t *testing.T) {
	emu := newTestEmulator(t, -1)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingBatchResource().(*preheatingBatchResource), client, scope)
	created := u.create(batchPlan(manyURLs(15), map[string]tftypes.Value{"asset_ids": tfStrings("a1")}))
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	var taskIDs []string
	if diags := created.State.GetAttribute(context.Background(), path.Root("task_ids"), &taskIDs); diags.HasError() || len(taskIDs) != 3 {
		t.Fatalf("task_ids %v (%v), want 3", taskIDs, diags)
	}
	id := stateString(t, created.State, "id")
	if id != strings.Join(taskIDs, ",") || stateInt(t, created.State, "total") != 17 || !stateBool(t, created.State, "all_succeeded").ValueBool() {
		t.Fatalf("id %q, state %v", id, created.State.Raw)
	}
	var identity batchIdentity
	if diags := created.Identity.Get(context.Background(), &identity); diags.HasError() || identity.ID.ValueString() != id {
		t.Fatalf("identity %v", identity)
	}

	before := emu.RequestCount()
	if read := u.read(created.State, created.Private); read.Diagnostics.HasError() || emu.RequestCount() != before || !read.State.Raw.Equal(created.State.Raw) {
		t.Fatalf("a finished batch's refresh sent %d requests or changed it (%v)", emu.RequestCount()-before, read.Diagnostics)
	}

	if bad := u.importState(taskIDs[0]+",not an id", nil); !bad.Diagnostics.HasError() {
		t.Fatal("an import list with an invalid task ID was accepted")
	}
	imported := u.importState(strings.Join(taskIDs, " , "), nil)
	if imported.Diagnostics.HasError() || stateString(t, imported.State, "id") != id {
		t.Fatalf("import: %v, id %q", imported.Diagnostics, stateString(t, imported.State, "id"))
	}
	before = emu.RequestCount()
	read := u.read(imported.State, imported.Private)
	if read.Diagnostics.HasError() || emu.RequestCount() != before+3 || stateInt(t, read.State, "total") != 17 {
		t.Fatalf("the first refresh of an import queries each task once: %d requests, %v", emu.RequestCount()-before, read.Diagnostics)
	}
}

func TestPreheatingBatchUnit_partialCreationIsSaved(t *testing.T) {
	emu := newQuotaTestEmulator(t, -1, emulator.Quota{CreatesPerDay: 2})
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingBatchResource().(*preheatingBatchResource), client, scope)
	created := u.create(batchPlan(manyURLs(25), nil))
	if !created.Diagnostics.HasError() {
		t.Fatal("a batch past the daily quota succeeded")
	}
	detail := created.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{"resets daily", "2 preheat tasks were created, covering 20 URLs", "not sent: 1 task, 5 URLs", "saved in state"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error lacks %q:\n%s", want, detail)
		}
	}
	var taskIDs []string
	if created.State.Raw.IsNull() || created.State.GetAttribute(context.Background(), path.Root("task_ids"), &taskIDs).HasError() || len(taskIDs) != 2 {
		t.Fatalf("the created tasks were not saved: %v", created.State.Raw)
	}
	if n := emu.countRequests(http.MethodPost) - emu.Throttled(); n != 2 {
		t.Fatalf("%d creates accepted, want 2", n)
	}
}

func TestPreheatingBatchUnit_unfinishedIsRefreshed(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingBatchResource().(*preheatingBatchResource), client, scope)
	created := u.create(batchPlan(manyURLs(12), map[string]tftypes.Value{"wait_for_completion": tfBool(false), "fail_on_failed": tfBool(false)}))
	if created.Diagnostics.HasError() || stateInt(t, created.State, "processing") != 12 {
		t.Fatalf("%v %v", created.Diagnostics, created.State.Raw)
	}
	emu.advance(time.Hour)
	read := u.read(created.State, created.Private)
	if read.Diagnostics.HasError() || stateInt(t, read.State, "succeed") != 12 || !stateBool(t, read.State, "completed").ValueBool() {
		t.Fatalf("%v %v", read.Diagnostics, read.State.Raw)
	}
}
