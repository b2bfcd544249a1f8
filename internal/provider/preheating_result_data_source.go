package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

const (
	defaultReadTimeout = 20 * time.Minute
	// failedURLsShown is how many failed URLs the fail_on_failed error lists.
	failedURLsShown = 10
)

var (
	_ datasource.DataSource              = (*preheatingResultDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*preheatingResultDataSource)(nil)

	urlStatusAttrTypes = map[string]attr.Type{"url": types.StringType, "status": types.StringType}
	urlStatusType      = types.ObjectType{AttrTypes: urlStatusAttrTypes}
)

// NewPreheatingResultDataSource is the vod_preheating_result data source.
func NewPreheatingResultDataSource() datasource.DataSource { return &preheatingResultDataSource{} }

type preheatingResultDataSource struct {
	client *vod.Client
}

type preheatingResultModel struct {
	TaskID            types.String   `tfsdk:"task_id"`
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	PollInterval      types.String   `tfsdk:"poll_interval"`
	FailOnFailed      types.Bool     `tfsdk:"fail_on_failed"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`

	ID                types.String `tfsdk:"id"`
	PreheatingResults types.List   `tfsdk:"preheating_results"`
	Total             types.Int64  `tfsdk:"total"`
	Processing        types.Int64  `tfsdk:"processing"`
	Succeed           types.Int64  `tfsdk:"succeed"`
	Failed            types.Int64  `tfsdk:"failed"`
	Completed         types.Bool   `tfsdk:"completed"`
	AllSucceeded      types.Bool   `tfsdk:"all_succeeded"`
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
				Required:            true,
				MarkdownDescription: "ID of the preheat task, as returned when it was created.",
				Validators:          []validator.String{taskIDValidator{}},
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Poll until the task is complete: its list is not empty and every URL is `succeed` or `failed`. " +
					"Bounded by `timeouts.read`. Defaults to `false`: one query, and the state as it is.",
			},
			"poll_interval": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Fixed gap between two polls while waiting, as a duration such as `\"5s\"` or `\"200ms\"`. " +
					"Unset, polls follow a schedule that grows with the wait (see Waiting in the docs).",
				Validators: []validator.String{pollIntervalValidator{}},
			},
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "After the optional wait, fail the read when any URL's status is `failed`, listing them. " +
					"Lets a release pipeline stop on a failed preheat. Defaults to `false`.",
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				ReadDescription: `Bounds the whole read, waiting and retries included, as a duration such as "15m". Defaults to "20m".`,
			}),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The task ID.",
			},
			"preheating_results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The task's URLs, in the API's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"url": schema.StringAttribute{Computed: true, MarkdownDescription: "A URL being preheated."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`processing`, `succeed` or `failed`, " +
						"or any other value the API sends, shown as it came (it counts as not complete)."},
				}},
			},
			"total":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of URLs in the task."},
			"processing":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of URLs whose status is `processing`."},
			"succeed":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of URLs whose status is `succeed`."},
			"failed":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of URLs whose status is `failed`."},
			"completed":     schema.BoolAttribute{Computed: true, MarkdownDescription: "The list is not empty and every URL is `succeed` or `failed`."},
			"all_succeeded": schema.BoolAttribute{Computed: true, MarkdownDescription: "The task is complete and every URL is `succeed`."},
		},
	}
}

func (d *preheatingResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // the provider is not configured yet (validation)
	}
	client, ok := req.ProviderData.(*vod.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *vod.Client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	d.client = client
}

func (d *preheatingResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.client == nil {
		resp.Diagnostics.AddError("The vod provider is not configured",
			"The data source was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	var model preheatingResultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	readTimeout, diags := model.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	var pollInterval time.Duration // zero: the client's default schedule
	if !model.PollInterval.IsNull() {
		pollInterval, _ = time.ParseDuration(model.PollInterval.ValueString()) // checked by pollIntervalValidator
	}
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	taskID := model.TaskID.ValueString()
	var task vod.Task
	var err error
	if model.WaitForCompletion.ValueBool() {
		task, err = vod.Wait(ctx, taskID, pollInterval, func(ctx context.Context) (vod.Task, error) {
			task, err := d.client.QueryPreheating(ctx, taskID)
			if err == nil {
				// INFO, so that TF_LOG=INFO shows a long wait's progress.
				tflog.Info(ctx, "Preheat task progress", map[string]any{"task_id": taskID, "progress": task.Summary()})
			}
			return task, err
		})
	} else {
		task, err = d.client.QueryPreheating(ctx, taskID)
	}
	if err != nil {
		summary, detail := describeReadError(err, taskID, readTimeout)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if model.FailOnFailed.ValueBool() {
		if failure, failed := failedPreheatDiagnostic(task); failed {
			resp.Diagnostics.Append(failure)
			return
		}
	}
	resp.Diagnostics.Append(model.setResults(task)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func (m *preheatingResultModel) setResults(task vod.Task) diag.Diagnostics {
	var diags diag.Diagnostics
	items := make([]attr.Value, 0, len(task.Results))
	for _, r := range task.Results {
		item, d := types.ObjectValue(urlStatusAttrTypes, map[string]attr.Value{
			"url": types.StringValue(r.URL), "status": types.StringValue(r.Status),
		})
		diags.Append(d...)
		items = append(items, item)
	}
	list, d := types.ListValue(urlStatusType, items)
	diags.Append(d...)
	counts := task.Counts()
	m.ID = types.StringValue(task.ID)
	m.PreheatingResults = list
	m.Total = types.Int64Value(int64(counts.Total))
	m.Processing = types.Int64Value(int64(counts.Processing))
	m.Succeed = types.Int64Value(int64(counts.Succeed))
	m.Failed = types.Int64Value(int64(counts.Failed))
	m.Completed = types.BoolValue(task.Completed())
	m.AllSucceeded = types.BoolValue(task.AllSucceeded())
	return diags
}

func failedPreheatDiagnostic(task vod.Task) (diag.Diagnostic, bool) {
	counts := task.Counts()
	if counts.Failed == 0 {
		return nil, false
	}
	failed := task.FailedURLs(failedURLsShown)
	detail := fmt.Sprintf("fail_on_failed is set and %d of %d URLs of preheat task %s failed:\n  %s",
		counts.Failed, counts.Total, task.ID, strings.Join(failed, "\n  "))
	if more := counts.Failed - len(failed); more > 0 {
		detail += fmt.Sprintf("\n  … and %d more", more)
	}
	return diag.NewErrorDiagnostic("Preheat failed", detail), true
}

func describeReadError(err error, taskID string, readTimeout time.Duration) (summary, detail string) {
	var waitErr *vod.WaitError
	switch {
	case errors.As(err, &waitErr) && errors.Is(err, context.DeadlineExceeded):
		return "Timed out waiting for the preheat task",
			fmt.Sprintf("%v.\n\nThe read timeout is %s; raise timeouts.read to wait longer.", err, readTimeout)
	case errors.As(err, &waitErr):
		return "Stopped waiting for the preheat task", err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed out reading the preheat task",
			fmt.Sprintf("Reading preheat task %s did not finish within the read timeout of %s: %v", taskID, readTimeout, err)
	}
	if _, ok := vod.AsAPIError(err); ok {
		return "VOD API error", fmt.Sprintf("Reading preheat task %s failed: %v", taskID, err)
	}
	return "Cannot read the preheat task", fmt.Sprintf("Reading preheat task %s failed: %v", taskID, err)
}
