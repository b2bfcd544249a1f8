package provider

import (
	"context"
	"fmt"
	"time"

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
	resourceData
}

type preheatingTaskModel struct {
	AssetID types.String `tfsdk:"asset_id"`
	URLs    types.List   `tfsdk:"urls"`
	preheatSettings

	ID     types.String `tfsdk:"id"`
	TaskID types.String `tfsdk:"task_id"`
	preheatResults
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
		Attributes: refreshFirstAttributes(resultAttributes(preheatSettingsAttributes(ctx, taskWording, map[string]schema.Attribute{
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
		}))),
	}
}

// taskWording words the shared settings for one task.
var taskWording = settingsWording{
	newPreheat:  "preheat of the same URLs",
	created:     "the task is created",
	progress:    "its progress",
	createBound: "the create request and the wait, as a duration such as \"10m\"",
	readBound:   "one refresh, retries included",
}

// ModifyPlan requires asset_id or urls when the plan creates a task. It is
// not a config validator: the configuration generated for an imported task
// has neither, and must plan no change.
func (r *preheatingTaskResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	requireSomethingToPreheat(ctx, req, resp, "Missing Attribute Configuration",
		"At least one of these attributes must be configured: [asset_id,urls]. A new preheat needs an asset or URLs.", "asset_id", "urls")
}

func (r *preheatingTaskResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	checkFailWithoutWaiting(ctx, req.Config, &resp.Diagnostics)
	checkRefreshFirstNeedsWaiting(ctx, req.Config, &resp.Diagnostics)
}

func (r *preheatingTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.resourceData = resourceDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *preheatingTaskResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !clientConfigured(r.client, &resp.Diagnostics) {
		return
	}
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
	run := preheatRun{
		tasks:          []vod.TaskSpec{{AssetID: model.AssetID.ValueString(), URLs: urls}},
		wait:           model.WaitForCompletion.ValueBool(),
		failOnFailed:   model.FailOnFailed.ValueBool(),
		pollInterval:   pollInterval(model.PollInterval),
		timeout:        createTimeout,
		timeoutSetting: "timeouts.create",
		saved:          true,
		refreshFirst:   model.RefreshFirst.ValueBool(),
	}
	outcome, runDiags := runPreheat(ctx, r.client, run)
	if len(outcome.TaskIDs) == 0 {
		// No task_id: nothing goes into state, so nothing is tainted either.
		resp.Diagnostics.Append(runDiags...)
		return
	}
	// From here on the task exists: it is saved whatever happens next.
	taskID := outcome.TaskIDs[0]
	model.ID, model.TaskID = types.StringValue(taskID), types.StringValue(taskID)
	model.preheatResults, diags = newOutcomeResults(outcome)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(model.setRefreshes(ctx, outcome)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.TaskID})...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
	resp.Diagnostics.Append(runDiags...)
}

func (r *preheatingTaskResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !clientConfigured(r.client, &resp.Diagnostics) {
		return
	}
	var model preheatingTaskModel
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	taskID := model.ID.ValueString()
	model.TaskID = types.StringValue(taskID)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.TaskID})...)
	if model.Completed.ValueBool() {
		// Every URL has ended: the results cannot change, and re-reading
		// them would cost the tenant's query quota on every plan.
		resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
		return
	}
	readTimeout, diags := model.Timeouts.Read(ctx, defaultTaskReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	task, err := r.client.QueryPreheating(ctx, taskID)
	if isTaskNotFound(err) {
		recorded, known, diags := recordedScope(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		if remove, why := notFoundDecision(recorded, known, r.scope); !remove {
			resp.Diagnostics.AddWarning("Preheat task not found",
				fmt.Sprintf("VOD does not know preheat task %s (%v). %s", taskID, err, why))
			return
		}
		resp.Diagnostics.AddWarning("Preheat task no longer exists",
			fmt.Sprintf("VOD no longer knows preheat task %s (%v), which had not finished. It is removed from state; the next apply starts a new preheat "+
				"if the configuration still has it.", taskID, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, tasksLabel([]string{taskID}), readTimeout, "timeouts.read")
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	// Failed URLs never fail a refresh: that would block destroy and every later plan.
	model.preheatResults, diags = newPreheatResults(task)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// isTaskNotFound reports the API's answers for a task it does not know.
func isTaskNotFound(err error) bool {
	apiErr, ok := vod.AsAPIError(err)
	return ok && (apiErr.ErrorCode == "VOD.10053" || apiErr.ErrorCode == "VOD.10062")
}

// Update only records settings that do not start a new preheat (waiting,
// polling, timeouts) and, after an import, the adopted asset_id, urls and
// triggers. The results are those of the last refresh.
func (r *preheatingTaskResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var model preheatingTaskModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.TaskID = model.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: model.ID})...)
	resp.Diagnostics.Append(recordAdopted(ctx, req.Plan, resp.Private)...)
}

// Delete forgets the task: a preheat cannot be undone or cancelled.
func (r *preheatingTaskResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
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
	for name, value := range map[string]any{"id": taskID, "task_id": taskID, "wait_for_completion": true, "fail_on_failed": true, "refresh_first": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, taskIdentity{TaskID: types.StringValue(taskID)})...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, "asset_id", "urls", "triggers")...)
	resp.Diagnostics.Append(recordScope(ctx, resp.Private, r.scope)...)
}
