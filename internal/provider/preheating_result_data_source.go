package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// defaultReadTimeout bounds a data source read, its wait included.
const defaultReadTimeout = 20 * time.Minute

var (
	_ datasource.DataSource              = (*preheatingResultDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*preheatingResultDataSource)(nil)
)

// NewPreheatingResultDataSource is the vod_preheating_result data source.
func NewPreheatingResultDataSource() datasource.DataSource { return &preheatingResultDataSource{} }

type preheatingResultDataSource struct {
	client *vod.Client
}

type preheatingResultModel struct {
	taskResultArguments
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
		Attributes: dataSourceResultAttributes(taskResultAttributes(ctx, preheatKind)),
	}
}

// taskResultAttributes are the arguments of taskResultArguments, in kind's words.
func taskResultAttributes(ctx context.Context, kind *taskKind) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"task_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: kind.words("ID of the preheat task, as returned when it was created."),
			Validators:          []validator.String{taskIDValidator{}},
		},
		"wait_for_completion": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Poll until the task is complete: its list is not empty and every URL is `succeed` or `failed`. " +
				"Bounded by `timeouts.read`. Defaults to `false`: one query, and the state as it is.",
		},
		"poll_interval": schema.StringAttribute{
			Optional:            true,
			CustomType:          timetypes.GoDurationType{},
			MarkdownDescription: pollIntervalDoc,
			Validators:          []validator.String{pollIntervalValidator{}},
		},
		"fail_on_failed": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: kind.words("After the optional wait, fail the read when any URL's status is `failed`, listing them. "+
				"Lets a release pipeline stop on a failed preheat. Defaults to `false`. Note that the data source is read again ") +
				"during `terraform destroy`'s refresh, so a failed " + kind.noun + " then blocks the destroy too: run `terraform destroy -refresh=false`.",
		},
		"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
			ReadDescription: `Bounds the whole read, waiting and retries included, as a duration such as "15m". Defaults to "20m".`,
		}),
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The task ID.",
		},
	}
}

func (d *preheatingResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *preheatingResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !clientConfigured(d.client, &resp.Diagnostics) {
		return
	}
	var model preheatingResultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
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
