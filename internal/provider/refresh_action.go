package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// refreshKind is the CDN refresh: VOD's refresh tasks, created and waited
// for by the preheat's path. Its messages are the preheat's, reworded.
var refreshKind = &taskKind{
	noun: "refresh",
	run: func(ctx context.Context, c *vod.Client, req vod.PreheatRequest) (vod.PreheatOutcome, error) {
		return c.RefreshCDN(ctx, req)
	},
	query: func(ctx context.Context, c *vod.Client, taskID string) (vod.Task, error) {
		return c.QueryRefreshTask(ctx, taskID)
	},
	// Earlier pairs win where several match: the data source's and the
	// console's names before the plain words.
	reword: strings.NewReplacer(
		"vod_preheating_result", "vod_refresh_result",
		"CDN preheating", "CDN refresh",
		"Preheat", "Refresh",
		"preheats", "refreshes",
		"preheat", "refresh",
	).Replace,
}

var (
	_ action.Action                   = (*refreshAction)(nil)
	_ action.ActionWithConfigure      = (*refreshAction)(nil)
	_ action.ActionWithValidateConfig = (*refreshAction)(nil)
)

// NewRefreshAction is the vod_refresh action (Terraform 1.14 and newer): the
// vod_preheat action's arguments and path, with refresh tasks.
func NewRefreshAction() action.Action { return &refreshAction{} }

type refreshAction struct{ preheatAction }

func (a *refreshAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_refresh"
}

func (a *refreshAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Refreshes the CDN's cache of URLs and assets (`POST /v1/{project_id}/asset/refresh`), "+
			"so that the CDN fetches an updated video anew instead of serving its cached copy: up to %d URLs and %d assets, "+
			"split into tasks of %d URLs and one task per asset. By default it waits for them, streaming their progress to the CLI "+
			"(`2/10 succeeded, 0 failed, 8 processing`) and failing when a URL failed or the timeout passed. Keeps no state; "+
			"read a task later with the `vod_refresh_result` data source. Needs Terraform 1.14 or newer. "+
			"Huawei allows %d refreshes a minute and %d a day per tenant, apart from the preheat calls.",
			maxBatchURLs, maxBatchAssets, vod.MaxRefreshURLsPerTask, 100, dailyPreheatQuota),
		Attributes: map[string]schema.Attribute{
			"asset_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of one VOD asset (completed, published or deleted) whose playback URLs to refresh, as an entry of `asset_ids` would be.",
				Validators:          assetIDValidators(),
			},
			"asset_ids": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: fmt.Sprintf("IDs of VOD assets whose playback URLs to refresh, one task each: 0 to %d, without duplicates. "+
					"At least one of `urls`, `asset_ids` and `asset_id` must be non-empty; `asset_id` counts as one more.", maxBatchAssets),
				Validators: assetIDsValidators(),
			},
			"urls": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: fmt.Sprintf("The CDN URLs to refresh: 0 to %d absolute `http://` or `https://` URLs, without duplicates, "+
					"each at most %d characters, sent in tasks of %d. Their order does not matter.", maxBatchURLs, vod.MaxRefreshURLLength, vod.MaxRefreshURLsPerTask),
				Validators: refreshURLsValidators(),
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Wait, bounded by `timeout`, until every URL's refresh is `succeed` or `failed`, reporting progress. " +
					"Defaults to `true`; with `false` the action ends once every task is created.",
			},
			"fail_on_failed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Fail when a URL's refresh is `failed` (after `retry_failed`), naming the failed URLs. " +
					"Defaults to the value of `wait_for_completion`; `true` without waiting is refused at plan time.",
			},
			"retry_failed": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("After the tasks end, refresh the URLs that failed again, in new tasks, up to this many rounds "+
					"(0 to %d; defaults to 0). Only failed URLs are sent again. Needs `wait_for_completion`. "+
					"A run that could need more than the %d refreshes a day Huawei allows is refused at plan time.", maxRetryFailed, dailyPreheatQuota),
				Validators: retryFailedValidators(),
			},
			"poll_interval": actionPollIntervalAttribute(pollIntervalDoc),
			"timeout":       actionTimeoutAttribute(actionTimeoutDoc),
		},
	}
}

// refreshURLsValidators are the batch's, and the refresh API's bound on a URL's length.
func refreshURLsValidators() []validator.List {
	return append(batchURLsValidators(), listvalidator.ValueStringsAre(stringvalidator.LengthAtMost(vod.MaxRefreshURLLength)))
}

func (a *refreshAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	validateTaskAction(ctx, refreshKind, req, resp)
}

func (a *refreshAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model taskActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	a.invoke(ctx, refreshKind, model, false, req, resp)
}
