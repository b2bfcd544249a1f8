package provider

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// defaultReadTimeout bounds a data source read, its wait included.
const defaultReadTimeout = 20 * time.Minute

var (
	_ datasource.DataSource                   = (*preheatingResultDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*preheatingResultDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*preheatingResultDataSource)(nil)
)

// NewPreheatingResultDataSource is the vod_preheating_result data source.
func NewPreheatingResultDataSource() datasource.DataSource { return &preheatingResultDataSource{} }

type preheatingResultDataSource struct {
	providerData
}

type preheatingResultModel struct {
	taskResultArguments
	TaskIDs types.List `tfsdk:"task_ids"`
	preheatResults
}

// taskResultArguments are the arguments of a data source that reads one
// task by its ID, preheat or refresh (refresh_result_data_source.go).
type taskResultArguments struct {
	TaskID            types.String         `tfsdk:"task_id"`
	WaitForCompletion types.Bool           `tfsdk:"wait_for_completion"`
	PollInterval      timetypes.GoDuration `tfsdk:"poll_interval"`
	FailOnFailed      types.Bool           `tfsdk:"fail_on_failed"`
	Timeouts          timeouts.Value       `tfsdk:"timeouts"`

	ID types.String `tfsdk:"id"`
}

func (d *preheatingResultDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_preheating_result"
}

func (d *preheatingResultDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the result of a VOD CDN preheat task (`GET /v1.0/{project_id}/asset/preheating`), " +
			"optionally waiting until every URL has ended, and optionally failing when any URL failed.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of the preheat task, as returned when it was created. Exactly one of `task_id` and `task_ids` is required.",
				Validators: []validator.String{taskIDValidator{},
					stringvalidator.ExactlyOneOf(path.MatchRoot("task_id"), path.MatchRoot("task_ids"))},
			},
			"task_ids": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Several preheat tasks to read (and wait for) together, in one wait within the query quota: " +
					"for example a batch's `task_ids`, tasks created elsewhere by a pipeline, or a batch's `id` (task IDs separated by commas, " +
					"which are split). The results list every task's URLs, in this order.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(taskIDListValidator{})},
			},
			"wait_for_completion": dataSourceWaitAttribute(dataSourceWaitDoc),
			"poll_interval":       dataSourcePollIntervalAttribute(pollIntervalDoc),
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "After the optional wait, fail the read when any URL's status is `failed`, listing them. " +
					"Lets a release pipeline stop on a failed preheat. Defaults to `false`. Note that the data source is read again " +
					"during `terraform destroy`'s refresh, so a failed preheat then blocks the destroy too: run `terraform destroy -refresh=false`.",
			},
			"timeouts": dataSourceReadTimeouts(ctx),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The task ID; with `task_ids`, the task IDs separated by commas.",
			},
			"preheating_results": dataSourceURLResultsAttribute(resultDocs.PreheatingResults),
			"total":              dataSourceResultCountAttribute(resultDocs.Total),
			"processing":         dataSourceResultCountAttribute(resultDocs.Processing),
			"succeed":            dataSourceResultCountAttribute(resultDocs.Succeed),
			"failed":             dataSourceResultCountAttribute(resultDocs.Failed),
			"completed":          dataSourceResultFlagAttribute(resultDocs.Completed),
			"all_succeeded":      dataSourceResultFlagAttribute(resultDocs.AllSucceeded),
		},
	}
}

// ValidateConfig refuses, before any request, a read timeout of zero or
// less and a poll_interval its wait could not outlast.
func (d *preheatingResultDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateReadTimes(ctx, req.Config, &resp.Diagnostics)
}

// validateReadTimes is the ValidateConfig of a data source that reads
// tasks: timeouts.read above zero, and poll_interval within it when it waits.
func validateReadTimes(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	checkTimeoutsAboveZero(ctx, config, diags)
	var wait types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	if wait.ValueBool() {
		checkPollWithinTimeout(ctx, config, path.Root("timeouts").AtName("read"), defaultReadTimeout, diags)
	}
}

func (d *preheatingResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *preheatingResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model preheatingResultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !model.TaskIDs.IsNull() {
		d.readMany(ctx, model, resp)
		return
	}
	task, ok := readTaskResult(ctx, preheatKind, d.client, &model.taskResultArguments, &resp.Diagnostics)
	if !ok {
		return
	}
	var diags diag.Diagnostics
	model.preheatResults, diags = newPreheatResults(task)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// readMany reads, and waits for, several tasks at once through the one
// wait loop (a resume that has nothing to send).
func (d *preheatingResultDataSource) readMany(ctx context.Context, model preheatingResultModel, resp *datasource.ReadResponse) {
	readTimeout, diags := model.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	listed, diags := stringList(ctx, model.TaskIDs)
	resp.Diagnostics.Append(diags...)
	var taskIDs []string
	for _, entry := range listed {
		for _, id := range strings.Split(entry, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(taskIDs, id) {
				taskIDs = append(taskIDs, id)
			}
		}
	}
	start := outcomeFromState(taskIDs, nil, nil)
	var outcome vod.PreheatOutcome
	var err error
	if model.WaitForCompletion.ValueBool() {
		outcome, err = d.client.Resume(ctx, start, vod.PreheatRequest{Wait: true, PollInterval: pollInterval(model.PollInterval)})
	} else {
		outcome, err = d.client.Reread(ctx, start)
	}
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, tasksLabel(taskIDs), readTimeout, "timeouts.read")
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if model.FailOnFailed.ValueBool() {
		if failure, failed := failedURLsDiagnostic(outcome.Counts(), outcome.FailedURLs(failedURLsShown), taskIDs); failed {
			resp.Diagnostics.Append(failure)
			return
		}
	}
	model.ID = types.StringValue(strings.Join(taskIDs, ","))
	model.preheatResults, diags = newOutcomeResults(outcome)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// readTaskResult reads the task args name, waiting when asked, and sets
// args.ID; it reports, in kind's words, a read that failed or, with
// fail_on_failed, a failed URL, and then returns false.
func readTaskResult(ctx context.Context, kind *taskKind, client *vod.Client, args *taskResultArguments, diags *diag.Diagnostics) (vod.Task, bool) {
	readTimeout, d := args.Timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return vod.Task{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	taskID := args.TaskID.ValueString()
	var task vod.Task
	var err error
	if args.WaitForCompletion.ValueBool() {
		task, err = waitForTask(ctx, kind, client, taskID, pollInterval(args.PollInterval), nil)
	} else {
		task, err = kind.query(ctx, client, taskID)
	}
	if err != nil {
		summary, detail := describeWaitError(ctx.Err(), err, tasksLabel([]string{taskID}), readTimeout, "timeouts.read")
		diags.AddError(kind.words(summary), kind.words(detail))
		return task, false
	}
	if args.FailOnFailed.ValueBool() {
		if failure, failed := failedPreheatDiagnostic(task); failed {
			diags.Append(kind.wordDiagnostics(diag.Diagnostics{failure})...)
			return task, false
		}
	}
	args.ID = types.StringValue(task.ID)
	return task, true
}

// dataSourceWaitDoc describes both data sources' wait_for_completion.
const dataSourceWaitDoc = "Poll until the task is complete: its list is not empty and every URL is `succeed` or `failed`. " +
	"Bounded by `timeouts.read`. Defaults to `false`: one query, and the state as it is."

// dataSourceWaitAttribute is a data source's wait_for_completion.
func dataSourceWaitAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, MarkdownDescription: description}
}

// dataSourcePollIntervalAttribute is a data source's poll_interval.
func dataSourcePollIntervalAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		CustomType:          timetypes.GoDurationType{},
		MarkdownDescription: description,
		Validators:          []validator.String{pollIntervalValidator{}},
	}
}

// dataSourceReadTimeouts is a data source's timeouts block: read bounds the
// whole read.
func dataSourceReadTimeouts(ctx context.Context) schema.Attribute {
	return timeouts.AttributesWithOpts(ctx, timeouts.Opts{
		ReadDescription: `Bounds the whole read, waiting and retries included, as a duration such as "15m". Defaults to "20m".`,
	})
}
