package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
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
	client *vod.Client
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
		Attributes: dataSourceResultAttributesNamed(resultListDocs{
			Name:     "refresh_results",
			List:     "One entry per URL, in the API's order: the URLs sent, then each asset's URLs as the API lists them.",
			URL:      "A URL being refreshed.",
			TaskID:   "The refresh task that gave this status.",
			Attempts: "Always 1: one task, read by its ID.",
		}, taskResultAttributes(ctx, refreshKind)),
	}
}

// ValidateConfig refuses, before any request, a read timeout of zero or
// less and a poll_interval its wait could not outlast.
func (d *refreshResultDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	validateReadTimes(ctx, req.Config, &resp.Diagnostics)
}

func (d *refreshResultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *refreshResultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !clientConfigured(d.client, &resp.Diagnostics) {
		return
	}
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
