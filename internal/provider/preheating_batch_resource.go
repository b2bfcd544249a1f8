package provider

import (
	"context"
	"fmt"
	"strings"

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

var (
	_ resource.Resource                   = (*preheatingBatchResource)(nil)
	_ resource.ResourceWithConfigure      = (*preheatingBatchResource)(nil)
	_ resource.ResourceWithImportState    = (*preheatingBatchResource)(nil)
	_ resource.ResourceWithValidateConfig = (*preheatingBatchResource)(nil)
	_ resource.ResourceWithIdentity       = (*preheatingBatchResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*preheatingBatchResource)(nil)
)

// NewPreheatingBatchResource is the vod_preheating_batch resource.
func NewPreheatingBatchResource() resource.Resource { return &preheatingBatchResource{} }

type preheatingBatchResource struct {
	providerData
}

type preheatingBatchModel struct {
	URLs        types.List  `tfsdk:"urls"`
	AssetIDs    types.List  `tfsdk:"asset_ids"`
	RetryFailed types.Int64 `tfsdk:"retry_failed"`
	preheatSettings

	ID      types.String `tfsdk:"id"`
	TaskIDs types.List   `tfsdk:"task_ids"`
	preheatResults
	notSentState
	refreshFirstState
}

// batchIdentity identifies a batch by its id, the comma-separated task IDs.
type batchIdentity struct {
	ID types.String `tfsdk:"id"`
}

func (r *preheatingBatchResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheating_batch"
}

func (r *preheatingBatchResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The batch's task IDs, separated by commas."},
	}}
}

func (r *preheatingBatchResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Preheats a whole release: up to %d URLs and %d assets, split into tasks of %d URLs and one "+
			"task per asset, created within the tenant's create quota and waited for together within its query quota. "+
			"Failed URLs can be preheated again (`retry_failed`). A preheat cannot be edited: another set of `urls` or `asset_ids`, "+
			"or changed `triggers`, starts a new batch. Destroying it only forgets the tasks.",
			maxBatchURLs, maxBatchAssets, vod.MaxURLsPerTask),
		Attributes: map[string]schema.Attribute{
			"urls": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: batchURLsDoc + " Another set of URLs starts a new batch.",
				Validators:          batchURLsValidators(),
				PlanModifiers:       []planmodifier.List{sameElementsKeepState{}, replaceUnlessAdopted{}},
			},
			"asset_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: assetIDsDoc + " Another set of assets starts a new batch.",
				Validators:          assetIDsValidators(),
				PlanModifiers:       []planmodifier.List{sameElementsKeepState{}, replaceUnlessAdopted{}},
			},
			"triggers": triggersAttribute("Arbitrary strings, such as a content hash or a release version; any change starts a new " +
				"batch of the same URLs and assets."),
			"retry_failed": retryFailedAttribute(retryFailedResourceDoc),
			"wait_for_completion": waitForCompletionAttribute("Wait, bounded by `timeouts.create`, until every URL sent has ended " +
				"(`succeed`, `failed` or `not_listed`; an asset's: every URL the API lists for it). Defaults to `true`. " +
				"With `false` the apply ends once every task is created; later refreshes show their progress."),
			"fail_on_failed": failOnFailedAttribute(failOnFailedResourceDoc),
			"poll_interval":  pollIntervalAttribute(pollIntervalDoc),
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true,
				Read:   true,
				CreateDescription: fmt.Sprintf("Bounds creating every task and the wait, retries included, as a duration such as \"30m\"; "+
					"above zero. Defaults to %q.", vod.DurationText(defaultCreateTimeout)),
				ReadDescription: fmt.Sprintf("Bounds one refresh of the unfinished tasks (not the wait: that is `create`); above zero. "+
					"Defaults to %q.", vod.DurationText(defaultTaskReadTimeout)),
			}),

			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The task IDs of the create, separated by commas: what `terraform import` takes. " +
					"It does not change when a later apply resumes the batch: `task_ids` then lists the new tasks too.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"task_ids":           computedListAttribute("Every task created, in order, retries and resumed runs included."),
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

func (r *preheatingBatchResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	checkBatchArguments(ctx, req.Config, false, &resp.Diagnostics)
	checkFailWithoutWaiting(ctx, req.Config, &resp.Diagnostics)
	checkRetryNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
	checkTimeoutsAboveZero(ctx, req.Config, &resp.Diagnostics)
	checkPollWithinTimeout(ctx, req.Config, path.Root("timeouts").AtName("create"), defaultCreateTimeout, &resp.Diagnostics)
	checkRefreshFirstNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
}

// ModifyPlan requires urls or asset_ids when the plan creates a batch (see
// the task resource's ModifyPlan for why this is not a config validator),
// and proposes to resume a batch that stopped part-way.
func (r *preheatingBatchResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	requireSomethingToPreheat(ctx, req, resp, "Nothing to preheat", nothingToPreheat("urls and asset_ids"), "urls", "asset_ids")
	if planCreatesPreheat(req, resp) {
		checkCredentialsAtPlan(ctx, r.client, &resp.Diagnostics)
	}
	planResume(ctx, req, resp, false)
}

func (r *preheatingBatchResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *preheatingBatchResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var model preheatingBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	createTimeout, diags := model.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	urls, diags := stringList(ctx, model.URLs)
	resp.Diagnostics.Append(diags...)
	assetIDs, diags := stringList(ctx, model.AssetIDs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, diags := r.journalKey(ctx, urls, assetIDs, model.Triggers)
	resp.Diagnostics.Append(diags...)
	outcome, runDiags := r.runResourcePreheat(ctx, key, nil, preheatRun{
		tasks:          vod.SplitTasks(urls, assetIDs),
		retryFailed:    int(model.RetryFailed.ValueInt64()),
		wait:           model.WaitForCompletion.ValueBool(),
		failOnFailed:   model.FailOnFailed.ValueBool(),
		pollInterval:   pollInterval(model.PollInterval),
		timeout:        createTimeout,
		timeoutSetting: "timeouts.create",
		saved:          true,
		refreshFirst:   model.RefreshFirst.ValueBool(),
	})
	if len(outcome.TaskIDs) == 0 {
		resp.Diagnostics.Append(runDiags...)
		return
	}
	// Every task created is saved, whatever went wrong after: the error
	// added last then taints the resource.
	resp.Diagnostics.Append(r.save(ctx, &model, outcome, &resp.State)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, batchIdentity{ID: model.ID})...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
	resp.Diagnostics.Append(runDiags...)
}

// stateSetter is the part of tfsdk.State that save writes.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// save writes the outcome into model and state. id is set once, by the
// create: a resume leaves it (and so the identity) as it was.
func (r *preheatingBatchResource) save(ctx context.Context, model *preheatingBatchModel, outcome vod.PreheatOutcome, state stateSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	if model.ID.IsNull() || model.ID.IsUnknown() || model.ID.ValueString() == "" {
		model.ID = types.StringValue(strings.Join(outcome.TaskIDs, ","))
	}
	taskIDs, d := types.ListValueFrom(ctx, types.StringType, outcome.TaskIDs)
	diags.Append(d...)
	model.TaskIDs = taskIDs
	model.preheatResults, d = newOutcomeResults(outcome)
	diags.Append(d...)
	model.notSentState, d = newNotSentState(ctx, outcome.NotSent)
	diags.Append(d...)
	diags.Append(model.setRefreshes(ctx, outcome)...)
	diags.Append(state.Set(ctx, model)...)
	return diags
}

func (r *preheatingBatchResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var model preheatingBatchModel
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, batchIdentity{ID: model.ID})...)
	taskIDs, diags := stringList(ctx, model.TaskIDs)
	resp.Diagnostics.Append(diags...)
	r.forgetJournalOf(ctx, model, taskIDs)
	if model.Completed.ValueBool() {
		return // every URL has ended: final, and no request spent on it
	}
	readTimeout, diags := model.Timeouts.Read(ctx, defaultTaskReadTimeout)
	resp.Diagnostics.Append(diags...)
	notSent, diags := model.specs(ctx, false)
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
	for _, w := range refreshed.Warnings {
		resp.Diagnostics.AddWarning("Preheat warning", w.Error())
	}
	resp.Diagnostics.Append(r.save(ctx, &model, refreshed, &resp.State)...)
}

// forgetJournalOf clears the journal's record of this batch once state
// holds every task it lists.
func (r *preheatingBatchResource) forgetJournalOf(ctx context.Context, model preheatingBatchModel, taskIDs []string) {
	urls, _ := stringList(ctx, model.URLs)
	assetIDs, _ := stringList(ctx, model.AssetIDs)
	if key, diags := r.journalKey(ctx, urls, assetIDs, model.Triggers); !diags.HasError() {
		r.forgetJournal(ctx, key, taskIDs)
	}
}

// Update resumes a batch that stopped part-way, when the plan says so (see
// planResume); otherwise it only records settings that start no preheat
// and, after an import, the adopted urls, asset_ids and triggers.
func (r *preheatingBatchResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var model preheatingBatchModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, batchIdentity{ID: model.ID})...)
	resp.Diagnostics.Append(recordAdopted(ctx, req.Plan, resp.Private)...)
	if !model.Completed.IsUnknown() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
		return
	}
	urls, diags := stringList(ctx, model.URLs)
	resp.Diagnostics.Append(diags...)
	assetIDs, diags := stringList(ctx, model.AssetIDs)
	resp.Diagnostics.Append(diags...)
	outcome, diags, ok := r.resumeInUpdate(ctx, req, model.preheatSettings, urls, assetIDs, false)
	if ok {
		resp.Diagnostics.Append(r.save(ctx, &model, outcome, &resp.State)...)
	}
	resp.Diagnostics.Append(diags...)
}

// Delete forgets the tasks: a preheat cannot be undone or cancelled. The
// journal forgets them too, so that a later batch of the same URLs is new.
func (r *preheatingBatchResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var model preheatingBatchModel
	if diags := req.State.Get(ctx, &model); !diags.HasError() {
		urls, _ := stringList(ctx, model.URLs)
		assetIDs, _ := stringList(ctx, model.AssetIDs)
		r.clearJournalOf(ctx, urls, assetIDs, model.Triggers)
	}
}

// ImportState adopts existing tasks, given as a comma-separated list of
// task IDs or as the identity's id. The next refresh reads them.
func (r *preheatingBatchResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" && req.Identity != nil {
		var identity batchIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		id = identity.ID.ValueString()
	}
	var taskIDs []string
	for _, taskID := range strings.Split(id, ",") {
		taskID = strings.TrimSpace(taskID)
		checkImportedTaskID(ctx, taskID, &resp.Diagnostics)
		taskIDs = append(taskIDs, taskID)
	}
	if resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q: import a batch by its task IDs separated by commas, such as \"5199337c31c8e4622f1590735b13a263,6c1f...\".", id))
		return
	}
	id = strings.Join(taskIDs, ",")
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("task_ids"), taskIDs)...)
	for _, name := range []string{"wait_for_completion", "fail_on_failed"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), true)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("retry_failed"), int64(0))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("refresh_first"), false)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, batchIdentity{ID: types.StringValue(id)})...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, "urls", "asset_ids", "triggers")...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
}
