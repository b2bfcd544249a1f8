package provider

// Unit tests of vod_preheating_task's methods, called directly: they run
// under plain go test, without the Terraform CLI.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func stateString(t *testing.T, state tfsdk.State, name string) string {
	t.Helper()
	var v types.String
	if diags := state.GetAttribute(context.Background(), path.Root(name), &v); diags.HasError() {
		t.Fatal(diags)
	}
	return v.ValueString()
}

func stateBool(t *testing.T, state tfsdk.State, name string) types.Bool {
	t.Helper()
	var v types.Bool
	if diags := state.GetAttribute(context.Background(), path.Root(name), &v); diags.HasError() {
		t.Fatal(diags)
	}
	return v
}

func stateInt(t *testing.T, state tfsdk.State, name string) int64 {
	t.Helper()
	var v types.Int64
	if diags := state.GetAttribute(context.Background(), path.Root(name), &v); diags.HasError() {
		t.Fatal(diags)
	}
	return v.ValueInt64()
}

// taskPlan is a plan of the resource with its defaults applied.
func taskPlan(wait bool, urls ...string) map[string]tftypes.Value {
	return map[string]tftypes.Value{"urls": tfStrings(urls...), "wait_for_completion": tfBool(wait), "fail_on_failed": tfBool(wait)}
}

func TestPreheatingTaskUnit_createThenFinishedReadSendsNothing(t *testing.T) {
	emu := newTestEmulator(t, -1)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingTaskResource().(*preheatingTaskResource), client, scope)
	created := u.create(taskPlan(true, "https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"))
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	taskID := stateString(t, created.State, "id")
	if !taskIDPattern.MatchString(taskID) || stateString(t, created.State, "task_id") != taskID {
		t.Fatalf("id %q, task_id %q", taskID, stateString(t, created.State, "task_id"))
	}
	if !stateBool(t, created.State, "completed").ValueBool() || stateInt(t, created.State, "succeed") != 2 {
		t.Fatalf("not complete after the wait: %v", created.State.Raw)
	}
	var identity taskIdentity
	if diags := created.Identity.Get(context.Background(), &identity); diags.HasError() || identity.TaskID.ValueString() != taskID {
		t.Fatalf("identity %v (%v), want task_id %s", identity, diags, taskID)
	}
	if recorded, ok, _ := recordedScope(context.Background(), created.Private); !ok || recorded != scope {
		t.Fatalf("scope in private state = %+v, %v; want %+v", recorded, ok, scope)
	}

	before := emu.RequestCount()
	read := u.read(created.State, created.Private)
	if read.Diagnostics.HasError() || emu.RequestCount() != before {
		t.Fatalf("refreshing a finished task sent %d requests (%v); want 0", emu.RequestCount()-before, read.Diagnostics)
	}
	if !read.State.Raw.Equal(created.State.Raw) {
		t.Errorf("the refresh changed a finished task's state:\n%v\n%v", read.State.Raw, created.State.Raw)
	}
	// Even when VOD has forgotten the task, a finished one stays.
	emu.DeleteTask(taskID)
	if read = u.read(created.State, created.Private); read.State.Raw.IsNull() || read.Diagnostics.HasError() {
		t.Fatalf("a finished task the API forgot was removed or failed: %v", read.Diagnostics)
	}
}

func TestPreheatingTaskUnit_unfinishedTaskNotFound(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingTaskResource().(*preheatingTaskResource), client, scope)
	created := u.create(taskPlan(false, "https://cdn.example.com/a.mp4"))
	if created.Diagnostics.HasError() || stateBool(t, created.State, "completed").ValueBool() {
		t.Fatalf("%v, completed = %v", created.Diagnostics, stateBool(t, created.State, "completed"))
	}
	taskID := stateString(t, created.State, "id")
	before := emu.RequestCount()
	if read := u.read(created.State, created.Private); read.Diagnostics.HasError() || emu.RequestCount() != before+1 {
		t.Fatalf("an unfinished task: %d requests (%v), want 1", emu.RequestCount()-before, read.Diagnostics)
	}
	emu.DeleteTask(taskID)

	// VOD.10053 can mean a malformed request as well: kept, unchanged, with a warning.
	illegal := u.read(created.State, created.Private)
	if illegal.State.Raw.IsNull() || illegal.Diagnostics.HasError() || illegal.Diagnostics.WarningsCount() != 1 ||
		!strings.Contains(illegal.Diagnostics.Warnings()[0].Detail(), "kept in state, unchanged") {
		t.Fatalf("a VOD.10053 answer must keep the task, with a warning: %v", illegal.Diagnostics)
	}
	emu.AnswerUnknownTasksWith(http.StatusNotFound, "VOD.10062")

	// Another endpoint (or project) than the one that created it: kept, with a warning.
	moved := newUnitResource(t, NewPreheatingTaskResource().(*preheatingTaskResource), client,
		taskScope{Endpoint: scope.Endpoint, Project: "another-project"})
	kept := moved.read(created.State, created.Private)
	if kept.State.Raw.IsNull() || kept.Diagnostics.HasError() || kept.Diagnostics.WarningsCount() != 1 ||
		!strings.Contains(kept.Diagnostics.Warnings()[0].Detail(), "it is kept in state") {
		t.Fatalf("after a change of project the task must stay, with a warning: %v", kept.Diagnostics)
	}
	// The same scope: a definite not-found removes it.
	removed := u.read(created.State, created.Private)
	if !removed.State.Raw.IsNull() || removed.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("an unfinished task VOD forgot, same scope: state %v, %v; want removed with a warning", removed.State.Raw, removed.Diagnostics)
	}
}

func TestPreheatingTaskUnit_importState(t *testing.T) {
	emu := newTestEmulator(t, -1)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingTaskResource().(*preheatingTaskResource), client, scope)
	if resp := u.importState("not a task id", nil); !resp.Diagnostics.HasError() ||
		!strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "whitespace") {
		t.Fatalf("an ID with spaces must be refused by the task ID validator: %v", resp.Diagnostics)
	}
	for name, resp := range map[string]struct {
		id       string
		identity map[string]tftypes.Value
	}{
		"by id":       {id: testTaskID},
		"by identity": {identity: map[string]tftypes.Value{"task_id": tfString(testTaskID)}},
	} {
		imported := u.importState(resp.id, resp.identity)
		if imported.Diagnostics.HasError() {
			t.Fatalf("%s: %v", name, imported.Diagnostics)
		}
		if stateString(t, imported.State, "id") != testTaskID || stateString(t, imported.State, "task_id") != testTaskID ||
			!stateBool(t, imported.State, "wait_for_completion").ValueBool() || !stateBool(t, imported.State, "fail_on_failed").ValueBool() {
			t.Errorf("%s: state %v", name, imported.State.Raw)
		}
		var identity taskIdentity
		if diags := imported.Identity.Get(context.Background(), &identity); diags.HasError() || identity.TaskID.ValueString() != testTaskID {
			t.Errorf("%s: identity %v", name, identity)
		}
		if recorded, ok, _ := recordedScope(context.Background(), imported.Private); !ok || recorded != scope {
			t.Errorf("%s: scope %+v, %v", name, recorded, ok)
		}
	}
}
