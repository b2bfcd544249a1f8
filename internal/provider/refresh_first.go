package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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

// refreshFirstState is the resources' refresh_first and what its
// refreshes did: the refresh tasks and, per URL, how its refresh ended, in
// the results' shape.
type refreshFirstState struct {
	RefreshFirst   types.Bool `tfsdk:"refresh_first"`
	RefreshTaskIDs types.List `tfsdk:"refresh_task_ids"`
	RefreshResults types.List `tfsdk:"refresh_results"`
}

// refreshFirstAttribute is refresh_first on a resource: false unless set.
func refreshFirstAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(false),
		MarkdownDescription: description,
	}
}

// refreshFirstResultsDocs describes refresh_results on the resources.
var refreshFirstResultsDocs = urlResultsDocs{
	List: "With `refresh_first`, one entry per URL refreshed: how its refresh ended, as `preheating_results` says how " +
		"its preheat did (a URL whose refresh failed has no preheat: its `preheating_results` entry is `failed` with an empty `task_id`). " +
		"Empty otherwise.",
	URL:      "A URL refreshed.",
	Status:   "Its latest refresh status, as `preheating_results`' `status`.",
	TaskID:   "The refresh task that gave this status.",
	Attempts: "How many refresh tasks sent this URL.",
}

// setRefreshes sets the refresh attributes from a create's outcome. An outcome
// without refreshes (a later read, or refresh_first off) keeps what state
// holds, or sets them empty when nothing is known yet.
func (s *refreshFirstState) setRefreshes(ctx context.Context, outcome vod.PreheatOutcome) diag.Diagnostics {
	known := !s.RefreshTaskIDs.IsNull() && !s.RefreshTaskIDs.IsUnknown() && !s.RefreshResults.IsNull() && !s.RefreshResults.IsUnknown()
	if len(outcome.RefreshTaskIDs) == 0 && known {
		return nil
	}
	var diags diag.Diagnostics
	ids, d := types.ListValueFrom(ctx, types.StringType, append([]string{}, outcome.RefreshTaskIDs...))
	diags.Append(d...)
	var results []vod.URLResult
	for _, r := range outcome.Results {
		if r.RefreshTaskID != "" {
			results = append(results, vod.URLResult{URL: r.URL, Status: r.Refresh, TaskID: r.RefreshTaskID, Attempts: r.RefreshAttempts})
		}
	}
	list, d := resultsOf(results, vod.Counts{}, false, false)
	diags.Append(d...)
	s.RefreshTaskIDs, s.RefreshResults = ids, list.PreheatingResults
	return diags
}

// addTo puts the refreshes in state back into o, rebuilt from state, so
// that a resume follows a refresh task whose end had not yet released its
// URLs' preheats.
func (s refreshFirstState) addTo(ctx context.Context, o vod.PreheatOutcome) (vod.PreheatOutcome, diag.Diagnostics) {
	ids, diags := stringList(ctx, s.RefreshTaskIDs)
	o.RefreshTaskIDs = ids
	for _, r := range (preheatResults{PreheatingResults: s.RefreshResults}).urlResults() {
		if i := slices.IndexFunc(o.Results, func(res vod.URLResult) bool { return res.URL == r.URL && res.RefreshTaskID == "" }); i >= 0 {
			o.Results[i].RefreshTaskID, o.Results[i].Refresh, o.Results[i].RefreshAttempts = r.TaskID, r.Status, r.Attempts
		}
	}
	return o, diags
}
