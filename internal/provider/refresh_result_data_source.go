package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource                   = (*refreshResultDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*refreshResultDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*refreshResultDataSource)(nil)
)

// NewRefreshResultDataSource is the vod_refresh_result data source: the
// vod_preheating_result data source for refresh tasks.
func NewRefreshResultDataSource() datasource.DataSource { return &refreshResultDataSource{} }

type refreshResultDataSource struct {
	providerData
}

type refreshResultModel struct {
	taskResultArguments
	RefreshResults types.List `tfsdk:"refresh_results"`
	resultCounts
}

func (d *refreshResultDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_refresh_result"
}

func (d *refreshResultDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the result of a VOD CDN refresh task (`GET /v1/{project_id}/asset/refresh`), such as one the " +
			"`vod_refresh` action created, optionally waiting until every URL has ended, and optionally failing when any URL failed. " +
			"The results have the same shape as `vod_preheating_result`'s, with `refresh_results` for `preheating_results`.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the refresh task, as returned when it was created.",
				Validators:          []validator.String{taskIDValidator{}},
			},
			"wait_for_completion": dataSourceWaitAttribute(dataSourceWaitDoc),
			"poll_interval":       dataSourcePollIntervalAttribute(pollIntervalDoc),
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "After the optional wait, fail the read when any URL's status is `failed`, listing them. " +
					"Lets a release pipeline stop on a failed refresh. Defaults to `false`. Note that the data source is read again " +
					"during `terraform destroy`'s refresh, so a failed refresh then blocks the destroy too: run `terraform destroy -refresh=false`.",
			},
			"timeouts": dataSourceReadTimeouts(ctx),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The task ID.",
			},
			"refresh_results": dataSourceURLResultsAttribute(refreshResultsDocs),
			"total":           dataSourceResultCountAttribute(resultDocs.Total),
			"processing":      dataSourceResultCountAttribute(resultDocs.Processing),
			"succeed":         dataSourceResultCountAttribute(resultDocs.Succeed),
			"failed":          dataSourceResultCountAttribute(resultDocs.Failed),
			"completed":       dataSourceResultFlagAttribute(resultDocs.Completed),
			"all_succeeded":   dataSourceResultFlagAttribute(resultDocs.AllSucceeded),
		},
	}
}

// refreshResultsDocs describes refresh_results: a refresh task's URLs, in
// the results' shape, their status as preheating_results' status.
var refreshResultsDocs = urlResultsDocs{
	List:     "One entry per URL, in the API's order: the URLs sent, then each asset's URLs as the API lists them.",
	URL:      "A URL being refreshed.",
	Status:   resultDocs.PreheatingResults.Status,
	TaskID:   "The refresh task that gave this status.",
	Attempts: "Always 1: one task, read by its ID.",
}

// ValidateConfig refuses, before any request, a read timeout of zero or
// less and a poll_interval its wait could not outlast.
func (d *refreshResultDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateReadTimes(ctx, req.Config, &resp.Diagnostics)
}

func (d *refreshResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *refreshResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model refreshResultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	task, ok := readTaskResult(ctx, refreshKind, d.client, &model.taskResultArguments, &resp.Diagnostics)
	if !ok {
		return
	}
	results, diags := newPreheatResults(task)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.RefreshResults, model.resultCounts = results.PreheatingResults, results.resultCounts
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
