package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

const (
	// defaultCreateTimeout bounds the create request and the wait: a preheat
	// takes 3 to 5 minutes by Huawei's account.
	defaultCreateTimeout = 20 * time.Minute
	// defaultTaskReadTimeout bounds one refresh (a single query and its retries).
	defaultTaskReadTimeout = 5 * time.Minute
)

var (
	_ resource.Resource                   = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithConfigure      = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithImportState    = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithValidateConfig = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithIdentity       = (*preheatingTaskResource)(nil)
)

// NewPreheatingTaskResource is the vod_preheating_task resource.
func NewPreheatingTaskResource() resource.Resource { return &preheatingTaskResource{} }

type preheatingTaskResource struct {
	providerData
}

type preheatingTaskModel struct {
	AssetID     types.String `tfsdk:"asset_id"`
	URLs        types.List   `tfsdk:"urls"`
	RetryFailed types.Int64  `tfsdk:"retry_failed"`
	preheatSettings

	ID      types.String `tfsdk:"id"`
	TaskID  types.String `tfsdk:"task_id"`
	TaskIDs types.List   `tfsdk:"task_ids"`
	preheatResults
	notSentState
	refreshFirstState
}

// taskIdentity identifies a task across imports and state moves.
type taskIdentity struct {
	TaskID types.String `tfsdk:"task_id"`
}

func (r *preheatingTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheating_task"
}

func (r *preheatingTaskResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"task_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The preheat task's ID."},
	}}
}

func (r *preheatingTaskResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepID := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates one VOD CDN preheat task (`POST /v1.0/{project_id}/asset/preheating`) and, by default, " +
			"waits until every URL has ended and fails when one failed. A preheat cannot be edited: changing `asset_id`, " +
			"the set of `urls` or `triggers` starts a new one. Destroying it only forgets the task; there is nothing to undo.",
		Attributes: map[string]schema.Attribute{
			"asset_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: assetIDDoc + " Changing it starts a new preheat.",
				Validators:          assetIDValidators(),
				PlanModifiers:       []planmodifier.String{replaceUnlessAdopted{}},
			},
			"urls": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: urlsDoc + " Another set of URLs starts a new preheat.",
				Validators:          taskURLsValidators(),
				PlanModifiers:       []planmodifier.List{sameElementsKeepState{}, replaceUnlessAdopted{}},
			},
			"triggers": triggersAttribute("Arbitrary strings, such as a content hash or a release version; any change starts a new " +
				"preheat of the same URLs."),
			"retry_failed": retryFailedAttribute(retryFailedResourceDoc),
			"wait_for_completion": waitForCompletionAttribute("Wait, bounded by `timeouts.create`, until every URL sent has ended " +
				"(`succeed`, `failed` or `not_listed`; an asset's: every URL the API lists for it). Defaults to `true`. " +
				"With `false` the apply ends once the task is created; later refreshes show its progress."),
			"fail_on_failed": failOnFailedAttribute(failOnFailedResourceDoc),
			"poll_interval":  pollIntervalAttribute(pollIntervalDoc),
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true,
				Read:   true,
				CreateDescription: fmt.Sprintf("Bounds the create request and the wait, as a duration such as \"10m\"; above zero. "+
					"Defaults to %q.", vod.DurationText(defaultCreateTimeout)),
				ReadDescription: fmt.Sprintf("Bounds one refresh, retries included (not the wait: that is `create`); above zero. "+
					"Defaults to %q.", vod.DurationText(defaultTaskReadTimeout)),
			}),

			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The task ID, the same as `task_id`.",
				PlanModifiers:       keepID,
			},
			"task_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The preheat task's ID, as the `vod_preheating_result` data source takes it.",
				PlanModifiers:       keepID,
			},
			"task_ids":           computedListAttribute("`task_id`, then the tasks `retry_failed` created to send failed URLs again."),
			"preheating_results": urlResultsAttribute(resultDocs.PreheatingResults),
			"total":              resultCountAttribute(resultDocs.Total),
			"processing":         resultCountAttribute(resultDocs.Processing),
			"succeed":            resultCountAttribute(resultDocs.Succeed),
			"failed":             resultCountAttribute(resultDocs.Failed),
			"completed":          resultFlagAttribute(resultDocs.Completed),
			"all_succeeded":      resultFlagAttribute(resultDocs.AllSucceeded),
			"not_sent_urls":      computedListAttribute(notSentURLsDoc),
			"not_sent_asset_ids": computedListAttribute(notSentAssetIDsDoc),
			"refresh_first": refreshFirstAttribute(refreshFirstDoc + " Changing it later starts no preheat. " +
				"OpenTofu has no actions: this is how its users refresh."),
			"refresh_task_ids": computedListAttribute("With `refresh_first`, every refresh task created, in order, retries included; empty otherwise."),
			"refresh_results":  urlResultsAttribute(refreshFirstResultsDocs),
		},
	}
}

// ModifyPlan requires asset_id or urls when the plan creates a task. It is
// not a config validator: the configuration generated for an imported task
// has neither, and must plan no change.
// It also proposes to resume a task that stopped part-way (planResume).
func (r *preheatingTaskResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	requireSomethingToPreheat(ctx, req, resp, "Missing Attribute Configuration",
		"At least one of these attributes must be configured: [asset_id,urls]. A new preheat needs an asset or URLs.", "asset_id", "urls")
	if planCreatesPreheat(req, resp) {
		checkCredentialsAtPlan(ctx, r.client, &resp.Diagnostics)
	}
	planResume(ctx, req, resp, true)
}

func (r *preheatingTaskResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	checkFailWithoutWaiting(ctx, req.Config, &resp.Diagnostics)
	checkTimeoutsAboveZero(ctx, req.Config, &resp.Diagnostics)
	checkPollWithinTimeout(ctx, req.Config, path.Root("timeouts").AtName("create"), defaultCreateTimeout, &resp.Diagnostics)
	checkRetryNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
	checkRefreshFirstNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
}

func (r *preheatingTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *preheatingTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var model preheatingTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	createTimeout, diags := model.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	urls, diags := stringList(ctx, model.URLs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, diags := r.journalKey(ctx, urls, assetsOf(model.AssetID), model.Triggers)
	resp.Diagnostics.Append(diags...)
	run := preheatRun{
		tasks:          []vod.TaskSpec{{AssetID: model.AssetID.ValueString(), URLs: urls}},
		retryFailed:    int(model.RetryFailed.ValueInt64()),
		wait:           model.WaitForCompletion.ValueBool(),
		failOnFailed:   model.FailOnFailed.ValueBool(),
		pollInterval:   pollInterval(model.PollInterval),
		timeout:        createTimeout,
		timeoutSetting: "timeouts.create",
		saved:          true,
		refreshFirst:   model.RefreshFirst.ValueBool(),
	}
	outcome, runDiags := r.runResourcePreheat(ctx, key, nil, run)
	if len(outcome.TaskIDs) == 0 {
		// No task_id: nothing goes into state, so nothing is tainted either.
		resp.Diagnostics.Append(runDiags...)
		return
	}
	// From here on the task exists: it is saved whatever happens next.
	resp.Diagnostics.Append(r.save(ctx, &model, outcome, &resp.State)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.TaskID})...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
	resp.Diagnostics.Append(runDiags...)
}

func (r *preheatingTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var model preheatingTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	taskID := model.ID.ValueString()
	model.TaskID = types.StringValue(taskID)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.TaskID})...)
	taskIDs := r.taskIDs(ctx, model, &resp.Diagnostics)
	r.forgetJournalOf(ctx, model, taskIDs)
	if model.Completed.ValueBool() {
		// Every URL has ended: the results cannot change, and re-reading
		// them would cost the tenant's query quota on every plan.
		resp.Diagnostics.Append(r.save(ctx, &model, outcomeFromState(taskIDs, model.urlResults(), nil), &resp.State)...)
		return
	}
	readTimeout, diags := model.Timeouts.Read(ctx, defaultTaskReadTimeout)
	resp.Diagnostics.Append(diags...)
	notSent, diags := model.specs(ctx, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	refreshed, err := r.client.Reread(ctx, outcomeFromState(taskIDs, model.urlResults(), notSent))
	if r.readNotFound(ctx, err, req.Private, &resp.State, &resp.Diagnostics) {
		return
	}
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, tasksLabel(taskIDs), readTimeout, "timeouts.read")
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	// Failed URLs never fail a refresh: that would block destroy and every later plan.
	resp.Diagnostics.Append(r.save(ctx, &model, refreshed, &resp.State)...)
}

// taskIDs are the tasks in state: task_ids, or task_id alone in a state
// written before task_ids existed.
func (r *preheatingTaskResource) taskIDs(ctx context.Context, model preheatingTaskModel, diags *diag.Diagnostics) []string {
	ids, d := stringList(ctx, model.TaskIDs)
	diags.Append(d...)
	if len(ids) == 0 && model.ID.ValueString() != "" {
		ids = []string{model.ID.ValueString()}
	}
	return ids
}

// save writes the outcome into model and state: task_id is the first task,
// task_ids every one.
func (r *preheatingTaskResource) save(ctx context.Context, model *preheatingTaskModel, outcome vod.PreheatOutcome, state stateSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(outcome.TaskIDs) > 0 {
		model.ID, model.TaskID = types.StringValue(outcome.TaskIDs[0]), types.StringValue(outcome.TaskIDs[0])
	}
	taskIDs, d := types.ListValueFrom(ctx, types.StringType, outcome.TaskIDs)
	diags.Append(d...)
	model.TaskIDs = taskIDs
	model.preheatResults, d = newOutcomeResults(outcome)
	diags.Append(d...)
	model.notSentState, d = newNotSentState(ctx, outcome.NotSent)
	diags.Append(d...)
	diags.Append(model.setRefreshes(ctx, outcome)...)
	if model.RetryFailed.IsNull() || model.RetryFailed.IsUnknown() {
		model.RetryFailed = types.Int64Value(0) // a state written before retry_failed existed
	}
	diags.Append(state.Set(ctx, model)...)
	return diags
}

// forgetJournalOf clears the journal's record of this preheat once state
// holds every task it lists.
func (r *preheatingTaskResource) forgetJournalOf(ctx context.Context, model preheatingTaskModel, taskIDs []string) {
	urls, _ := stringList(ctx, model.URLs)
	if key, diags := r.journalKey(ctx, urls, assetsOf(model.AssetID), model.Triggers); !diags.HasError() {
		r.forgetJournal(ctx, key, taskIDs)
	}
}

// assetsOf is asset_id as a list: empty when unset.
func assetsOf(assetID types.String) []string {
	if assetID.IsNull() || assetID.IsUnknown() || assetID.ValueString() == "" {
		return nil
	}
	return []string{assetID.ValueString()}
}

// Update resumes a task that stopped part-way, when the plan says so (see
// planResume); otherwise it only records settings that do not start a new
// preheat (waiting, polling, timeouts) and, after an import, the adopted
// asset_id, urls and triggers.
func (r *preheatingTaskResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var model preheatingTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.TaskID = model.ID
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.ID})...)
	resp.Diagnostics.Append(recordAdopted(ctx, req.Plan, resp.Private)...)
	if !model.Completed.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
		return
	}
	urls, diags := stringList(ctx, model.URLs)
	resp.Diagnostics.Append(diags...)
	outcome, diags, ok := r.resumeInUpdate(ctx, req, model.preheatSettings, urls, assetsOf(model.AssetID), true)
	if ok {
		resp.Diagnostics.Append(r.save(ctx, &model, outcome, &resp.State)...)
	}
	resp.Diagnostics.Append(diags...)
}

// Delete forgets the task: a preheat cannot be undone or cancelled. The
// journal forgets it too, so that a later preheat of the same URLs is new.
func (r *preheatingTaskResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var model preheatingTaskModel
	if diags := req.State.Get(ctx, &model); !diags.HasError() {
		urls, _ := stringList(ctx, model.URLs)
		r.clearJournalOf(ctx, urls, assetsOf(model.AssetID), model.Triggers)
	}
}

// ImportState adopts an existing task by ID or by identity. The API does
// not return the asset_id or urls a task was created with, so they stay
// null; the import is marked in private state so that setting them
// afterwards, in the configuration, adopts them without a new preheat (see
// replaceUnlessAdopted).
func (r *preheatingTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	taskID := req.ID
	if taskID == "" && req.Identity != nil {
		var identity taskIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		taskID = identity.TaskID.ValueString()
	}
	if checkImportedTaskID(ctx, taskID, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	for name, value := range map[string]any{"id": taskID, "task_id": taskID, "task_ids": []string{taskID}, "wait_for_completion": true,
		"fail_on_failed": true, "retry_failed": int64(0), "refresh_first": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: types.StringValue(taskID)})...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, "asset_id", "urls", "triggers")...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
}
