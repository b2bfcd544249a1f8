package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

var (
	_ action.Action                   = (*preheatAction)(nil)
	_ action.ActionWithConfigure      = (*preheatAction)(nil)
	_ action.ActionWithValidateConfig = (*preheatAction)(nil)
	_ action.ActionWithModifyPlan     = (*preheatAction)(nil)
)

// NewPreheatAction is the vod_preheat action (Terraform 1.14 and newer).
func NewPreheatAction() action.Action { return &preheatAction{} }

type preheatAction struct {
	providerData
	// since measures how long a run took, for its last message; tests replace it.
	since func(time.Time) time.Duration
}

type preheatActionModel struct {
	taskActionModel
	RefreshFirst types.Bool `tfsdk:"refresh_first"`
}

// taskActionModel is what vod_preheat and vod_refresh share.
type taskActionModel struct {
	AssetID           types.String         `tfsdk:"asset_id"`
	AssetIDs          types.List           `tfsdk:"asset_ids"`
	URLs              types.List           `tfsdk:"urls"`
	WaitForCompletion types.Bool           `tfsdk:"wait_for_completion"`
	FailOnFailed      types.Bool           `tfsdk:"fail_on_failed"`
	RetryFailed       types.Int64          `tfsdk:"retry_failed"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	Timeout           timetypes.GoDuration `tfsdk:"timeout"`
}

func (a *preheatAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheat"
}

func (a *preheatAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Preheats URLs and assets (up to %d URLs and %d assets, split into tasks of %d URLs and one "+
			"task per asset) and, by default, waits for them, streaming their progress to the CLI "+
			"(`2/10 succeeded, 0 failed, 8 processing`) and failing when a URL failed or the timeout passed. Keeps no state. "+
			"Needs Terraform 1.14 or newer.", maxBatchURLs, maxBatchAssets, vod.MaxURLsPerTask),
		Attributes: map[string]schema.Attribute{
			"asset_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of one published VOD asset to preheat, as an entry of `asset_ids` would be.",
				Validators:          assetIDValidators(),
			},
			"asset_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: assetIDsDoc + " `asset_id` counts as one more toward that limit; the same ID in both is one asset, preheated once.",
				Validators:          assetIDsValidators(),
			},
			"urls": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: batchURLsDoc,
				Validators:          batchURLsValidators(),
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Wait, bounded by `timeout`, until every URL sent has ended (`succeed`, `failed` or `not_listed`; an asset's: every URL the API lists for it), reporting progress. " +
					"Defaults to `true`; with `false` the action ends once every task is created.",
			},
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Fail when a URL's status is `failed` (after `retry_failed`), naming the failed URLs. " +
					"Defaults to the value of `wait_for_completion`; `true` without waiting is refused at plan time.",
			},
			"retry_failed": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: retryFailedDoc,
				Validators:          retryFailedValidators(),
			},
			"poll_interval": actionPollIntervalAttribute(pollIntervalDoc),
			"timeout":       actionTimeoutAttribute(actionTimeoutDoc),
			"refresh_first": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: refreshFirstDoc,
			},
		},
	}
}

// actionTimeoutDoc documents timeout on vod_preheat and vod_refresh.
var actionTimeoutDoc = fmt.Sprintf("Bounds creating the tasks and the wait, as a duration such as `\"10m\"`. Defaults to `%q`.",
	vod.DurationText(defaultCreateTimeout))

// actionPollIntervalAttribute is poll_interval in an action's schema.
func actionPollIntervalAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		CustomType:          timetypes.GoDurationType{},
		MarkdownDescription: description,
		Validators:          []validator.String{pollIntervalValidator{}},
	}
}

// actionTimeoutAttribute is timeout in an action's schema.
func actionTimeoutAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		CustomType:          timetypes.GoDurationType{},
		MarkdownDescription: description,
		Validators:          []validator.String{positiveDurationValidator{}},
	}
}

func (a *preheatAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	validateTaskAction(ctx, preheatKind, req, resp)
	checkRefreshFirstNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, a provider without credentials.
func (a *preheatAction) ModifyPlan(ctx context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	checkCredentialsAtPlan(ctx, a.client, &resp.Diagnostics)
}

// validateTaskAction checks the configuration of vod_preheat or
// vod_refresh, in the kind's words.
func validateTaskAction(ctx context.Context, kind *taskKind, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var diags diag.Diagnostics
	checkBatchArguments(ctx, req.Config, true, &diags)
	checkFailWithoutWaiting(ctx, req.Config, &diags)
	checkRetryNeedsWaiting(ctx, req.Config, &diags)
	checkPollWithinTimeout(ctx, req.Config, path.Root("timeout"), defaultCreateTimeout, &diags)
	resp.Diagnostics.Append(kind.wordDiagnostics(diags)...)
}

func (a *preheatAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (a *preheatAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model preheatActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	a.invoke(ctx, preheatKind, model.taskActionModel, model.RefreshFirst.ValueBool(), req, resp)
}

// invoke runs vod_preheat or vod_refresh, whose model the caller read:
// one path for both kinds.
func (a *preheatAction) invoke(ctx context.Context, kind *taskKind, model taskActionModel, refreshFirst bool, req action.InvokeRequest, resp *action.InvokeResponse) {
	urls, assetIDs, _ := batchArguments(ctx, req.Config, true, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var reporting sync.Mutex // tasks are told from the creating goroutine
	report := func(message string) {
		reporting.Lock()
		defer reporting.Unlock()
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: kind.words(message)})
		}
	}
	wait := model.WaitForCompletion.IsNull() || model.WaitForCompletion.ValueBool()
	run := preheatRun{
		tasks:          vod.SplitTasks(urls, assetIDs),
		retryFailed:    int(model.RetryFailed.ValueInt64()),
		wait:           wait,
		failOnFailed:   wait && (model.FailOnFailed.IsNull() || model.FailOnFailed.ValueBool()),
		pollInterval:   pollInterval(model.PollInterval),
		timeout:        durationOr(model.Timeout, defaultCreateTimeout),
		timeoutSetting: "timeout",
		kind:           kind,
		refreshFirst:   refreshFirst,
	}
	progress := actionProgress{report: report, wait: wait, timeout: run.timeout}
	run.progress = progress.update
	// Each task ID as it is created, so that a run stopped part-way can
	// still be followed (the vod_preheating_result data source's task_ids).
	run.onTaskCreated = func(task vod.CreatedTask) {
		tflog.Info(ctx, "Preheat task "+task.TaskID+" created", map[string]any{"task_id": task.TaskID})
		report("preheat task " + task.TaskID + " created")
	}
	start := time.Now()
	outcome, diags := runPreheat(ctx, a.client, run)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if !wait {
		report(fmt.Sprintf("created %s; not waiting (first look: %s)", tasksLabel(outcome.TaskIDs), outcomeSummary(outcome)))
		return
	}
	since := a.since
	if since == nil {
		since = time.Since
	}
	report(fmt.Sprintf("%s complete after %s: %s", tasksLabel(outcome.TaskIDs), vod.DurationText(since(start)), outcomeSummary(outcome)))
}

// actionProgress turns the run's progress into the action's CLI lines:
// one when every task is created, then one per changed summary. Nothing is
// said before the first task exists: "0 tasks" would only be noise.
type actionProgress struct {
	report      func(string)
	wait        bool
	timeout     time.Duration
	createdSaid bool
}

func (p *actionProgress) update(progress vod.PreheatProgress) {
	if progress.Tasks == 0 && progress.RefreshTasks == 0 {
		return
	}
	// With refresh first, preheats are created as refreshes end: no moment
	// has them all created before the wait.
	if !p.createdSaid && progress.NotCreated == 0 && progress.Tasks > 0 && progress.RefreshTasks == 0 {
		p.createdSaid = true
		if p.wait {
			what := "created preheat task; waiting for its URLs"
			if progress.Tasks > 1 {
				what = fmt.Sprintf("created %d preheat tasks; waiting for their URLs", progress.Tasks)
			}
			p.report(fmt.Sprintf("%s (timeout %s)", what, vod.DurationText(p.timeout)))
		}
	}
	if p.wait {
		p.report(actionProgressLine(progress))
	}
}

// actionProgressLine is "2/10 succeeded, 0 failed, 8 processing", with
// the tasks counted when there are several.
func actionProgressLine(p vod.PreheatProgress) string {
	line := fmt.Sprintf("%d/%d succeeded, %d failed, %d processing", p.Succeed, p.Total, p.Failed, p.Processing)
	if other := p.Total - p.Succeed - p.Failed - p.Processing; other > 0 {
		line += fmt.Sprintf(", %d in another status", other)
	}
	if p.Tasks > 1 || p.NotCreated > 0 || p.RefreshTasks > 0 {
		line += "; " + plural(p.Tasks, "task")
		if p.RefreshTasks > 0 {
			line += ", " + plural(p.RefreshTasks, "refresh task")
		}
		if p.NotCreated > 0 {
			line += fmt.Sprintf(", %d not yet created", p.NotCreated)
		}
	}
	return line
}

// outcomeSummary is "3 URLs: 3 succeed" over every URL of a run.
func outcomeSummary(o vod.PreheatOutcome) string {
	statuses := make([]vod.URLStatus, len(o.Results))
	for i, r := range o.Results {
		statuses[i] = vod.URLStatus{URL: r.URL, Status: r.Status}
	}
	return vod.Task{Results: statuses}.Summary()
}
