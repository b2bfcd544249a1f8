package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// refreshFirstDoc documents refresh_first.
const refreshFirstDoc = "Refresh each URL and asset on the CDN (as the `vod_refresh` action does) before preheating it, " +
	"so that an updated video under the same URLs is not preheated from the CDN's stale copy. Each preheat is sent as soon as " +
	"its URLs' refresh has ended, while the other refreshes go on. A URL whose refresh failed (after `retry_failed` rounds, " +
	"which apply to refreshes as to preheats) fails without being preheated. Needs `wait_for_completion`. Defaults to `false`. " +
	"Refreshes count against their own quota: Huawei allows 100 a minute and 1000 a day per tenant."

// withRefreshFailures adds to the fail_on_failed error which failed URLs
// failed their refresh, and so were never preheated.
func withRefreshFailures(failure diag.Diagnostic, outcome vod.PreheatOutcome) diag.Diagnostic {
	var notPreheated []string
	for _, r := range outcome.Results {
		if r.TaskID == "" && r.RefreshTaskID != "" && r.Status == vod.StatusFailed {
			notPreheated = append(notPreheated, r.URL)
		}
	}
	if len(notPreheated) == 0 {
		return failure
	}
	return diag.NewErrorDiagnostic(failure.Summary(), failure.Detail()+fmt.Sprintf(
		"\n\n%s failed the refresh that comes first (refresh_first) and %s not preheated: %s.",
		plural(len(notPreheated), "URL"), map[bool]string{true: "was", false: "were"}[len(notPreheated) == 1],
		listSome(notPreheated, failedURLsShown)))
}

// checkRefreshFirstNeedsWaiting refuses refresh_first with waiting off: a
// preheat is sent only once its refresh has ended, which needs the wait.
func checkRefreshFirstNeedsWaiting(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var wait, refreshFirst types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	diags.Append(config.GetAttribute(ctx, path.Root("refresh_first"), &refreshFirst)...)
	if wait.IsUnknown() || wait.IsNull() || wait.ValueBool() || !refreshFirst.ValueBool() {
		return
	}
	diags.AddAttributeError(path.Root("refresh_first"), "refresh_first needs wait_for_completion",
		"refresh_first = true and wait_for_completion = false: each preheat is sent only once its URLs' refresh has ended, "+
			"which needs the wait. Set wait_for_completion = true, or refresh without preheating with the vod_refresh action.")
}
