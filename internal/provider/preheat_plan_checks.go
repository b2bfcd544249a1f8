package provider

// Checks across arguments, run when Terraform validates the configuration:
// before any plan, and so before any request.

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// checkFailWithoutWaiting refuses fail_on_failed = true with waiting off:
// without a wait no URL has ended, so the setting could only be ignored.
// waitAttribute is wait_for_completion.
func checkFailWithoutWaiting(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var wait, fail types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	diags.Append(config.GetAttribute(ctx, path.Root("fail_on_failed"), &fail)...)
	if wait.IsUnknown() || fail.IsUnknown() || wait.IsNull() || wait.ValueBool() || !fail.ValueBool() {
		return
	}
	diags.AddAttributeError(path.Root("fail_on_failed"), "fail_on_failed needs wait_for_completion",
		"fail_on_failed = true and wait_for_completion = false: without waiting no URL has ended when the apply ends, "+
			"so nothing could fail it. Set wait_for_completion = true to fail on failed URLs, or remove fail_on_failed "+
			"(unset, it follows wait_for_completion).")
}

// checkRetryNeedsWaiting refuses retry_failed > 0 with waiting off: a URL
// is known to have failed only once its task ended.
func checkRetryNeedsWaiting(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var wait types.Bool
	var retry types.Int64
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	diags.Append(config.GetAttribute(ctx, path.Root("retry_failed"), &retry)...)
	if wait.IsUnknown() || wait.IsNull() || wait.ValueBool() || retry.IsNull() || retry.IsUnknown() || retry.ValueInt64() == 0 {
		return
	}
	diags.AddAttributeError(path.Root("retry_failed"), "retry_failed needs wait_for_completion",
		fmt.Sprintf("retry_failed = %d and wait_for_completion = false: failed URLs are known only once their tasks end, "+
			"which needs the wait. Set wait_for_completion = true, or retry_failed = 0.", retry.ValueInt64()))
}

// batchArguments reads urls and asset_ids (and the action's single
// asset_id); known is false while one of them is unknown.
func batchArguments(ctx context.Context, config tfsdk.Config, withAssetID bool, diags *diag.Diagnostics) (urls, assetIDs []string, known bool) {
	var urlList, assetList types.List
	diags.Append(config.GetAttribute(ctx, path.Root("urls"), &urlList)...)
	diags.Append(config.GetAttribute(ctx, path.Root("asset_ids"), &assetList)...)
	var assetID types.String
	if withAssetID {
		diags.Append(config.GetAttribute(ctx, path.Root("asset_id"), &assetID)...)
	}
	if urlList.IsUnknown() || assetList.IsUnknown() || assetID.IsUnknown() || diags.HasError() {
		return nil, nil, false
	}
	for _, list := range []types.List{urlList, assetList} {
		for _, e := range list.Elements() {
			if e.IsUnknown() {
				return nil, nil, false
			}
		}
	}
	u, d := stringList(ctx, urlList)
	diags.Append(d...)
	a, d := stringList(ctx, assetList)
	diags.Append(d...)
	if id := assetID.ValueString(); id != "" && !slices.Contains(a, id) {
		// The same ID in asset_ids too is one asset, preheated once.
		a = append([]string{id}, a...)
	}
	return u, a, true
}

func nothingToPreheat(names string) string {
	return names + " are all empty or unset: give at least one URL or asset ID."
}

// checkBatchArguments requires something to preheat (for the action) and refuses a run that
// could need more preheats than the tenant's daily quota.
func checkBatchArguments(ctx context.Context, config tfsdk.Config, withAssetID bool, diags *diag.Diagnostics) {
	urls, assetIDs, known := batchArguments(ctx, config, withAssetID, diags)
	if !known {
		return
	}
	names := "urls and asset_ids"
	if withAssetID {
		names = "urls, asset_ids and asset_id"
	}
	var listed types.List
	diags.Append(config.GetAttribute(ctx, path.Root("asset_ids"), &listed)...)
	if withAssetID && len(assetIDs) > maxBatchAssets && len(listed.Elements()) <= maxBatchAssets {
		// asset_ids alone over the limit is its validator's to report.
		diags.AddAttributeError(path.Root("asset_ids"), "Too many asset IDs",
			fmt.Sprintf("asset_ids and asset_id name %d assets together; at most %d are allowed: split them over several invocations.",
				len(assetIDs), maxBatchAssets))
	}
	if len(urls) == 0 && len(assetIDs) == 0 {
		if withAssetID { // the action; a resource checks when it plans a create
			diags.AddAttributeError(path.Root("urls"), "Nothing to preheat", nothingToPreheat(names))
		}
		return
	}
	var retry types.Int64
	diags.Append(config.GetAttribute(ctx, path.Root("retry_failed"), &retry)...)
	if retry.IsUnknown() {
		return
	}
	tasks := len(vod.SplitTasks(urls, assetIDs))
	rounds := 1 + int(retry.ValueInt64())
	if worst := tasks * rounds; worst > dailyPreheatQuota {
		diags.AddAttributeError(path.Root("retry_failed"), "More preheats than the daily quota",
			fmt.Sprintf("This run makes %d tasks (URLs in tasks of %d, one per asset); with retry_failed = %d it could need up to %d preheats, "+
				"but Huawei allows %d preheats per tenant per day. Lower retry_failed, or split the URLs and assets over several days' runs.",
				tasks, vod.MaxURLsPerTask, rounds-1, worst, dailyPreheatQuota))
	}
}

// planCreatesPreheat reports whether the plan creates the resource, anew
// or as a replacement: only then must it name something to preheat. An
// imported task knows no urls or asset_id, and a configuration generated
// for it (terraform plan -generate-config-out) has none: that is valid as
// long as nothing is created.
func planCreatesPreheat(req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	if req.Plan.Raw.IsNull() {
		return false // destroy
	}
	return req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0
}

// requireSomethingToPreheat errors when a planned create has none of the
// attributes named, each null (or an empty list).
func requireSomethingToPreheat(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, summary, detail string, names ...string) {
	if !planCreatesPreheat(req, resp) {
		return
	}
	for _, name := range names {
		var value attr.Value
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &value)...)
		if value == nil || value.IsUnknown() {
			return
		}
		if list, ok := value.(types.List); ok && !list.IsNull() && len(list.Elements()) > 0 {
			return
		}
		if s, ok := value.(types.String); ok && !s.IsNull() {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(path.Root(names[0]), summary, detail)
}
