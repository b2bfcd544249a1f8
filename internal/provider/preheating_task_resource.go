package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	_ resource.Resource                     = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithConfigure        = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithImportState      = (*preheatingTaskResource)(nil)
	_ resource.ResourceWithConfigValidators = (*preheatingTaskResource)(nil)
)

// NewPreheatingTaskResource is the vod_preheating_task resource.
func NewPreheatingTaskResource() resource.Resource { return &preheatingTaskResource{} }

type preheatingTaskResource struct {
	client *vod.Client
}

type preheatingTaskModel struct {
	AssetID           types.String         `tfsdk:"asset_id"`
	URLs              types.List           `tfsdk:"urls"`
	Triggers          types.Map            `tfsdk:"triggers"`
	WaitForCompletion types.Bool           `tfsdk:"wait_for_completion"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	FailOnFailed      types.Bool           `tfsdk:"fail_on_failed"`
	Timeouts          timeouts.Value       `tfsdk:"timeouts"`

	ID types.String `tfsdk:"id"`
	preheatResults
}

func (r *preheatingTaskResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheating_task"
}

func (r *preheatingTaskResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := func() []planmodifier.Int64 { return []planmodifier.Int64{int64planmodifier.UseStateForUnknown()} }
	keepBool := func() []planmodifier.Bool { return []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()} }
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates a VOD CDN preheat task (`POST /v1.0/{project_id}/asset/preheating`) and, by default, " +
			"waits until every URL has ended and fails when one failed. A preheat cannot be edited: changing `asset_id`, " +
			"`urls` or `triggers` starts a new one. Destroying it only forgets the task; there is nothing to undo.",
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
				MarkdownDescription: urlsDoc + " Changing them starts a new preheat.",
				Validators:          urlsValidators(),
				PlanModifiers:       []planmodifier.List{replaceUnlessAdopted{}},
			},
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary strings, such as a content hash or a release version; any change starts a new preheat " +
					"of the same URLs.",
				PlanModifiers: []planmodifier.Map{replaceUnlessAdopted{}},
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Wait, bounded by `timeouts.create`, until every URL is `succeed` or `failed`. Defaults to `true`. " +
					"With `false` the apply ends once the task is created; later refreshes show its progress.",
			},
			"poll_interval": schema.StringAttribute{
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
				MarkdownDescription: pollIntervalDoc,
				Validators:          []validator.String{pollIntervalValidator{}},
			},
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Fail the create when a URL's status is `failed`, listing them; the task stays in state, tainted. " +
					"Defaults to `true`. Refreshes never fail because of failed URLs, so they do not block `terraform destroy`.",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true,
				Read:   true,
				CreateDescription: fmt.Sprintf("Bounds the create request and the wait, as a duration such as \"10m\". Defaults to %q.",
					durationText(defaultCreateTimeout)),
				ReadDescription: fmt.Sprintf("Bounds one refresh, retries included. Defaults to %q.", durationText(defaultTaskReadTimeout)),
			}),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The task ID (`task_id`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"preheating_results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: resultDocs.PreheatingResults,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"url":    schema.StringAttribute{Computed: true, MarkdownDescription: resultDocs.URL},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: resultDocs.Status},
				}},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"total":         schema.Int64Attribute{Computed: true, MarkdownDescription: resultDocs.Total, PlanModifiers: keep()},
			"processing":    schema.Int64Attribute{Computed: true, MarkdownDescription: resultDocs.Processing, PlanModifiers: keep()},
			"succeed":       schema.Int64Attribute{Computed: true, MarkdownDescription: resultDocs.Succeed, PlanModifiers: keep()},
			"failed":        schema.Int64Attribute{Computed: true, MarkdownDescription: resultDocs.Failed, PlanModifiers: keep()},
			"completed":     schema.BoolAttribute{Computed: true, MarkdownDescription: resultDocs.Completed, PlanModifiers: keepBool()},
			"all_succeeded": schema.BoolAttribute{Computed: true, MarkdownDescription: resultDocs.AllSucceeded, PlanModifiers: keepBool()},
		},
	}
}

func (r *preheatingTaskResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.AtLeastOneOf(path.MatchRoot("asset_id"), path.MatchRoot("urls"))}
}

func (r *preheatingTaskResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
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
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()

	taskID, err := r.client.CreatePreheating(ctx, model.AssetID.ValueString(), urls)
	if err != nil {
		// No task_id: nothing goes into state, so nothing is tainted either.
		summary, detail := describeCreateError(err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}

	// From here on the task exists: it is saved whatever happens next.
	var task vod.Task
	if model.WaitForCompletion.ValueBool() {
		task, err = waitForPreheat(ctx, r.client, taskID, pollInterval(model.PollInterval), nil)
	} else if task, err = r.client.QueryPreheating(ctx, taskID); err != nil {
		resp.Diagnostics.AddWarning("Cannot read the new preheat task yet",
			fmt.Sprintf("Preheat task %s was created, but its first query failed: %v\n\nThe next refresh reads it again.", taskID, err))
		task, err = vod.Task{ID: taskID}, nil
	}
	model.ID = types.StringValue(taskID)
	model.preheatResults, diags = newPreheatResults(task)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)

	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, taskID, createTimeout, "timeouts.create")
		resp.Diagnostics.AddError(summary, detail+keptInStateNote(taskID))
		return
	}
	if model.FailOnFailed.ValueBool() {
		if failure, failed := failedPreheatDiagnostic(task); failed {
			resp.Diagnostics.AddError(failure.Summary(), failure.Detail()+keptInStateNote(taskID))
		}
	}
}

// keptInStateNote tells what happens to a task whose create failed after
// VOD accepted it.
func keptInStateNote(taskID string) string {
	return fmt.Sprintf("\n\nPreheat task %s was created and is saved in state; Terraform marks it tainted, so the next apply "+
		"starts a new preheat (a new task, counted against the daily quota of %d). To keep this task instead, run "+
		"terraform untaint on this resource.", taskID, dailyPreheatQuota)
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
	readTimeout, diags := model.Timeouts.Read(ctx, defaultTaskReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	taskID := model.ID.ValueString()
	task, err := r.client.QueryPreheating(ctx, taskID)
	if apiErr, ok := vod.AsAPIError(err); ok && (apiErr.ErrorCode == "VOD.10053" || apiErr.ErrorCode == "VOD.10062") {
		resp.Diagnostics.AddWarning("Preheat task no longer exists",
			fmt.Sprintf("VOD no longer knows preheat task %s (%v). It is removed from state; the next apply starts a new preheat "+
				"if the configuration still has it.", taskID, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, taskID, readTimeout, "timeouts.read")
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	// Failed URLs never fail a refresh: that would block destroy and every later plan.
	model.preheatResults, diags = newPreheatResults(task)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
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
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// Delete forgets the task: a preheat cannot be undone or cancelled.
func (r *preheatingTaskResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState adopts an existing task by ID. The API does not return the
// asset_id or urls a task was created with, so they stay null; the import
// is marked in private state so that setting them afterwards, in the
// configuration, adopts them without a new preheat (see replaceUnlessAdopted).
func (r *preheatingTaskResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_completion"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("fail_on_failed"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}

// stringList turns a list of strings that may be null into a slice.
func stringList(ctx context.Context, list types.List) ([]string, diag.Diagnostics) {
	if list.IsNull() || list.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := list.ElementsAs(ctx, &out, false)
	return out, diags
}
