package provider

// Resuming a preheat that stopped part-way, for both resources: what state
// keeps of it (not_sent_*), the plan that proposes carrying on as an
// in-place update, and the update that runs it (through runResourcePreheat,
// preheat_run.go).

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// notSentState is what a stopped run did not send, kept in state so that
// the results never claim it and a later apply can send it.
type notSentState struct {
	NotSentURLs     types.List `tfsdk:"not_sent_urls"`
	NotSentAssetIDs types.List `tfsdk:"not_sent_asset_ids"`
}

// resumeComputed are the attributes a resume recomputes: unknown in its plan.
var resumeComputed = []string{"preheating_results", "total", "processing", "succeed", "failed", "completed", "all_succeeded",
	"task_ids", "not_sent_urls", "not_sent_asset_ids", "refresh_task_ids", "refresh_results"}

// newNotSentState lists what specs hold.
func newNotSentState(ctx context.Context, specs []vod.TaskSpec) (notSentState, diag.Diagnostics) {
	urls, assets := []string{}, []string{}
	for _, s := range specs {
		urls = append(urls, s.URLs...)
		if s.AssetID != "" {
			assets = append(assets, s.AssetID)
		}
	}
	var diags diag.Diagnostics
	u, d := types.ListValueFrom(ctx, types.StringType, urls)
	diags.Append(d...)
	a, d := types.ListValueFrom(ctx, types.StringType, assets)
	diags.Append(d...)
	return notSentState{NotSentURLs: u, NotSentAssetIDs: a}, diags
}

// specs turns the lists back into tasks to create: split as a batch
// splits them, or as the one task of vod_preheating_task.
func (n notSentState) specs(ctx context.Context, oneTask bool) ([]vod.TaskSpec, diag.Diagnostics) {
	urls, diags := stringList(ctx, n.NotSentURLs)
	assets, d := stringList(ctx, n.NotSentAssetIDs)
	diags.Append(d...)
	if len(urls) == 0 && len(assets) == 0 {
		return nil, diags
	}
	if oneTask {
		spec := vod.TaskSpec{URLs: urls}
		if len(assets) > 0 {
			spec.AssetID = assets[0]
		}
		return []vod.TaskSpec{spec}, diags
	}
	return vod.SplitTasks(urls, assets), diags
}

// outcomeFromState rebuilds what Reread and Resume need from the saved
// task IDs, per-URL results and what was not sent.
func outcomeFromState(taskIDs []string, results []vod.URLResult, notSent []vod.TaskSpec) vod.PreheatOutcome {
	byTask := map[string][]vod.URLStatus{}
	for _, r := range results {
		byTask[r.TaskID] = append(byTask[r.TaskID], vod.URLStatus{URL: r.URL, Status: r.Status})
	}
	tasks := make([]vod.Task, len(taskIDs))
	for i, id := range taskIDs {
		tasks[i] = vod.Task{ID: id, Results: byTask[id]}
	}
	return vod.PreheatOutcome{TaskIDs: taskIDs, Results: results, Tasks: tasks, NotSent: notSent}
}

// resumeSettings are the planned settings a resume runs with.
type resumeSettings struct {
	wait         bool
	retryFailed  int
	refreshFirst bool
}

// remainingWork is what a resume of o under s would do: what was not sent
// always; unfinished tasks and failed URLs only when the configuration
// waits (a URL is known to have failed only after a wait).
func remainingWork(o vod.PreheatOutcome, s resumeSettings) vod.Remaining {
	rem := o.Remaining(s.retryFailed)
	if !s.wait {
		rem.Unfinished, rem.Retries = 0, 0
	}
	return rem
}

// describeResume is the plan's line for a person: what the update sends
// and waits for.
func describeResume(rem vod.Remaining, retryFailed int) string {
	var parts []string
	if rem.NotSentURLs > 0 {
		parts = append(parts, "send "+plural(rem.NotSentURLs, "URL")+" not sent")
	}
	if rem.NotSentAssets > 0 {
		parts = append(parts, "send "+plural(rem.NotSentAssets, "asset")+" not sent")
	}
	if rem.Unfinished > 0 {
		parts = append(parts, "wait for "+plural(rem.Unfinished, "unfinished task"))
	}
	if rem.Retries > 0 {
		parts = append(parts, fmt.Sprintf("re-send %s (retry_failed = %d)", plural(rem.Retries, "failed URL"), retryFailed))
	}
	return "This apply resumes the preheat that stopped part-way, as an in-place update: it will " + strings.Join(parts, ", ") +
		". Nothing that was sent is sent again otherwise. To start over instead (a new preheat of everything, counted again " +
		"against the daily quota), plan with -replace=<this resource's address>."
}

// planResume proposes, when state holds a preheat that stopped part-way and
// the plan keeps it, to carry on: the results become unknown (an in-place
// update, which calls Resume) and a warning says what will be done. It
// reads state and plan only: no request.
func planResume(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, oneTask bool) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || len(resp.RequiresReplace) > 0 {
		return
	}
	o, s, ok := savedOutcome(ctx, req.State, req.Plan, oneTask, &resp.Diagnostics)
	if !ok {
		return
	}
	rem := remainingWork(o, s)
	if rem.Nothing() {
		return
	}
	for _, name := range resumeComputed {
		var value attr.Value
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root(name), &value)...)
		if value == nil {
			continue
		}
		unknown, err := unknownLike(value)
		if err != nil {
			resp.Diagnostics.AddError("Cannot plan the resume", err.Error())
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), unknown)...)
	}
	resp.Diagnostics.AddWarning("The preheat resumes where it stopped", describeResume(rem, s.retryFailed))
}

// unknownLike is an unknown value of value's type.
func unknownLike(value attr.Value) (attr.Value, error) {
	switch v := value.(type) {
	case types.List:
		return types.ListUnknown(v.ElementType(context.Background())), nil
	case types.Int64:
		return types.Int64Unknown(), nil
	case types.Bool:
		return types.BoolUnknown(), nil
	}
	return nil, fmt.Errorf("unexpected type %T", value)
}

// attributeGetter is what tfsdk.State and tfsdk.Plan share.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// savedOutcome rebuilds the outcome in state and reads the settings a
// resume would run with from plan. ok is false when either is not known.
func savedOutcome(ctx context.Context, state, plan attributeGetter, oneTask bool, diags *diag.Diagnostics) (vod.PreheatOutcome, resumeSettings, bool) {
	var (
		taskIDs, results types.List
		id               types.String
		notSent          notSentState
		wait, refresh    types.Bool
		retry            types.Int64
		refreshes        refreshFirstState
	)
	diags.Append(state.GetAttribute(ctx, path.Root("task_ids"), &taskIDs)...)
	diags.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	diags.Append(state.GetAttribute(ctx, path.Root("preheating_results"), &results)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_sent_urls"), &notSent.NotSentURLs)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_sent_asset_ids"), &notSent.NotSentAssetIDs)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("retry_failed"), &retry)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("refresh_first"), &refresh)...)
	diags.Append(state.GetAttribute(ctx, path.Root("refresh_task_ids"), &refreshes.RefreshTaskIDs)...)
	diags.Append(state.GetAttribute(ctx, path.Root("refresh_results"), &refreshes.RefreshResults)...)
	if diags.HasError() || wait.IsUnknown() || retry.IsUnknown() || refresh.IsUnknown() {
		return vod.PreheatOutcome{}, resumeSettings{}, false
	}
	ids, d := stringList(ctx, taskIDs)
	diags.Append(d...)
	if len(ids) == 0 && id.ValueString() != "" && oneTask {
		ids = []string{id.ValueString()} // a state written before task_ids existed
	}
	specs, d := notSent.specs(ctx, oneTask)
	diags.Append(d...)
	if len(ids) == 0 && len(specs) == 0 {
		return vod.PreheatOutcome{}, resumeSettings{}, false
	}
	o := outcomeFromState(ids, preheatResults{PreheatingResults: results}.urlResults(), specs)
	o, d = refreshes.addTo(ctx, o)
	diags.Append(d...)
	settings := resumeSettings{wait: wait.IsNull() || wait.ValueBool(), retryFailed: int(retry.ValueInt64()), refreshFirst: refresh.ValueBool()}
	return o, settings, !diags.HasError()
}

// resumeInUpdate runs the resume an update's plan proposed (planResume),
// from the outcome in state, with the planned settings and the preheat's
// urls and assets. ok is false when nothing could be run; the outcome is
// to be saved whatever the diagnostics say: an update that fails keeps its
// state (untainted), and the next apply resumes again.
func (d providerData) resumeInUpdate(ctx context.Context, req resource.UpdateRequest, s preheatSettings, urls, assets []string, oneTask bool) (vod.PreheatOutcome, diag.Diagnostics, bool) {
	var diags diag.Diagnostics
	from, settings, ok := savedOutcome(ctx, req.State, req.Plan, oneTask, &diags)
	createTimeout, d2 := s.Timeouts.Create(ctx, defaultCreateTimeout)
	diags.Append(d2...)
	key, d2 := d.journalKey(ctx, urls, assets, s.Triggers)
	diags.Append(d2...)
	if !ok || diags.HasError() {
		return vod.PreheatOutcome{}, diags, false
	}
	outcome, runDiags := d.runResourcePreheat(ctx, key, &from, preheatRun{
		retryFailed:    settings.retryFailed,
		wait:           s.WaitForCompletion.ValueBool(),
		failOnFailed:   s.FailOnFailed.ValueBool(),
		pollInterval:   pollInterval(s.PollInterval),
		timeout:        createTimeout,
		timeoutSetting: "timeouts.create",
		saved:          true,
		refreshFirst:   settings.refreshFirst,
	})
	return outcome, append(diags, runDiags...), true
}
