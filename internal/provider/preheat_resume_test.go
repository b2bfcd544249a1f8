package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// modifyPlan runs ModifyPlan for an update from state to a plan of the same values.
func (u *unitResource) modifyPlan(state tfsdk.State) resource.ModifyPlanResponse {
	u.t.Helper()
	plan := tfsdk.Plan{Schema: u.schema.Schema, Raw: state.Raw}
	req := resource.ModifyPlanRequest{State: state, Plan: plan, Config: tfsdk.Config{Schema: u.schema.Schema, Raw: state.Raw}}
	resp := resource.ModifyPlanResponse{Plan: plan}
	u.r.(resource.ResourceWithModifyPlan).ModifyPlan(context.Background(), req, &resp)
	return resp
}

// TestPlanResumeOfABatchStoppedByTheQuota checks the state a quota stop
// leaves: what was not sent is listed and the batch is not complete; a
// refresh and a plan send nothing; the plan proposes the resume, saying
// what it will send.
func TestPlanResumeOfABatchStoppedByTheQuota(t *testing.T) {
	clearProviderEnv(t)
	emu := newQuotaTestEmulator(t, -1, emulator.Quota{CreatesPerDay: 2})
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingBatchResource().(*preheatingBatchResource), client, scope)
	created := u.create(batchPlan(manyURLs(25), map[string]tftypes.Value{"asset_ids": tfStrings("a1")}))
	if !created.Diagnostics.HasError() {
		t.Fatal("the quota did not stop the batch")
	}
	var notSent []string
	created.State.GetAttribute(context.Background(), path.Root("not_sent_urls"), &notSent)
	var assets []string
	created.State.GetAttribute(context.Background(), path.Root("not_sent_asset_ids"), &assets)
	if len(notSent) != 5 || len(assets) != 1 || stateBool(t, created.State, "completed").ValueBool() || stateBool(t, created.State, "all_succeeded").ValueBool() {
		t.Fatalf("not sent %v %v, completed %v", notSent, assets, stateBool(t, created.State, "completed"))
	}

	before := emu.RequestCount()
	read := u.read(created.State, created.Private)
	if read.Diagnostics.HasError() || stateBool(t, read.State, "completed").ValueBool() {
		t.Fatalf("refresh: %v, completed %v", read.Diagnostics, stateBool(t, read.State, "completed"))
	}
	planned := u.modifyPlan(read.State)
	if sent := emu.RequestCount() - before; sent != 0 {
		t.Fatalf("a refresh and a plan of finished tasks sent %d requests", sent)
	}
	var completed types.Bool
	planned.Plan.GetAttribute(context.Background(), path.Root("completed"), &completed)
	if planned.Diagnostics.HasError() || !completed.IsUnknown() || planned.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("plan: completed %v, %v", completed, planned.Diagnostics)
	}
	if detail := planned.Diagnostics.Warnings()[0].Detail(); !strings.Contains(detail, "send 5 URLs not sent, send 1 asset not sent.") {
		t.Fatalf("the plan's warning says %q", detail)
	}
}

// TestPlanResumeProposesNothingForAFinishedPreheat checks a complete
// task plans no change and no warning.
func TestPlanResumeProposesNothingForAFinishedPreheat(t *testing.T) {
	emu := newTestEmulator(t, -1)
	client, scope := emu.unitClient(t)
	u := newUnitResource(t, NewPreheatingTaskResource().(*preheatingTaskResource), client, scope)
	created := u.create(taskPlan(true, "https://cdn.example.com/a.mp4"))
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	planned := u.modifyPlan(created.State)
	if !planned.Plan.Raw.Equal(created.State.Raw) || len(planned.Diagnostics) != 0 {
		t.Fatalf("a finished task: plan changed (%v) or said %v", !planned.Plan.Raw.Equal(created.State.Raw), planned.Diagnostics)
	}
}

func TestRemainingWorkWithoutWaitingOnlySends(t *testing.T) {
	o := vod.PreheatOutcome{TaskIDs: []string{"t1"}, NotSent: []vod.TaskSpec{{URLs: []string{"u"}}}}
	if rem := remainingWork(o, resumeSettings{wait: false, retryFailed: 3}); rem.NotSentURLs != 1 || rem.Unfinished != 0 || rem.Retries != 0 {
		t.Fatalf("without waiting: %+v", rem)
	}
	if rem := remainingWork(o, resumeSettings{wait: true}); rem.Unfinished != 1 {
		t.Fatalf("waiting: %+v", rem)
	}
}

func TestDescribeResume(t *testing.T) {
	got := describeResume(vod.Remaining{NotSentURLs: 1, Unfinished: 2, Retries: 3}, 2)
	for _, want := range []string{"send 1 URL not sent, wait for 2 unfinished tasks, re-send 3 failed URLs (retry_failed = 2).", "-replace="} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestNotSentSpecsOfATaskStayOneTask(t *testing.T) {
	ctx := context.Background()
	state, _ := newNotSentState(ctx, []vod.TaskSpec{{AssetID: "a1", URLs: []string{"u1", "u2"}}})
	one, _ := state.specs(ctx, true)
	split, _ := state.specs(ctx, false)
	if len(one) != 1 || one[0].AssetID != "a1" || len(one[0].URLs) != 2 || len(split) != 2 {
		t.Fatalf("one task %+v, split %+v", one, split)
	}
	empty, _ := newNotSentState(ctx, nil)
	if specs, _ := empty.specs(ctx, false); specs != nil || empty.NotSentURLs.IsNull() {
		t.Fatalf("nothing not sent: %+v, %v", specs, empty.NotSentURLs)
	}
}
