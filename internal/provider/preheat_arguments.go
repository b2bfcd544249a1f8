package provider

// The arguments that create a preheat, shared by vod_preheating_task,
// vod_preheating_batch and the vod_preheat action: their documentation and
// the validators that check them at plan time, before any request.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

const (
	// maxBatchURLs and maxBatchAssets bound one batch or action run.
	maxBatchURLs   = 1000
	maxBatchAssets = 100
	// maxRetryFailed bounds retry_failed: each round may cost preheats.
	maxRetryFailed = 5
)

const assetIDDoc = "ID of a published VOD asset whose playback URLs to preheat. At least one of `asset_id` and `urls` is required."

var urlsDoc = fmt.Sprintf("The CDN URLs to preheat: 1 to %d absolute `http://` or `https://` URLs, without duplicates "+
	"(two spellings a CDN takes for one URL, such as another host case or an explicit default port, are duplicates). "+
	"At least one of `asset_id` and `urls` is required; with both, one task preheats the asset's URLs and these. "+
	"For more URLs use `vod_preheating_batch`. Their order does not matter: the same URLs in another order are not a change.", vod.MaxURLsPerTask)

var batchURLsDoc = fmt.Sprintf("The CDN URLs to preheat: 0 to %d absolute `http://` or `https://` URLs, without duplicates "+
	"(two spellings a CDN takes for one URL are duplicates), "+
	"sent in tasks of %d. At least one of `urls` and `asset_ids` must be non-empty. Their order does not matter.", maxBatchURLs, vod.MaxURLsPerTask)

var assetIDsDoc = fmt.Sprintf("IDs of published VOD assets whose playback URLs to preheat, one task each: 0 to %d, without duplicates. "+
	"At least one of `urls` and `asset_ids` must be non-empty.", maxBatchAssets)

var retryFailedDoc = fmt.Sprintf("After the tasks end, preheat the URLs that failed again, in new tasks, up to this many rounds "+
	"(0 to %d; defaults to 0). Only failed URLs are sent again. Needs `wait_for_completion`.", maxRetryFailed)

// retryFailedResourceDoc is retryFailedDoc for the resources, which keep
// what failed in state.
var retryFailedResourceDoc = retryFailedDoc + " Raising it after a run, then applying, re-sends only the URLs that failed, as an in-place update."

func assetIDValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.RegexMatches(noSpaceRegexp, "must not contain whitespace")}
}

// taskURLsValidators check the urls of one task; more than ten point to the batch.
func taskURLsValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listMaxSizeValidator{max: vod.MaxURLsPerTask, what: "URLs", hint: fmt.Sprintf(
			"a preheat task takes at most %d; to preheat more in one resource, use vod_preheating_batch, which splits them into tasks", vod.MaxURLsPerTask)},
		uniqueStringsValidator{what: "URL", key: vod.URLKey},
		listvalidator.ValueStringsAre(preheatURLValidator{}),
	}
}

// batchURLsValidators check the urls of a batch or an action.
func batchURLsValidators() []validator.List {
	return []validator.List{
		listMaxSizeValidator{max: maxBatchURLs, what: "URLs", hint: "split the release over several vod_preheating_batch resources"},
		uniqueStringsValidator{what: "URL", key: vod.URLKey},
		listvalidator.ValueStringsAre(preheatURLValidator{}),
	}
}

// assetIDsValidators check the asset_ids of a batch or an action.
func assetIDsValidators() []validator.List {
	return []validator.List{
		listMaxSizeValidator{max: maxBatchAssets, what: "asset IDs", hint: "split them over several vod_preheating_batch resources"},
		uniqueStringsValidator{what: "asset ID"},
		listvalidator.ValueStringsAre(assetIDValidators()...),
	}
}

func retryFailedValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(0, maxRetryFailed)}
}

// listMaxSizeValidator rejects a list longer than max, saying what to do instead.
type listMaxSizeValidator struct {
	max        int
	what, hint string
}

func (v listMaxSizeValidator) Description(context.Context) string {
	return fmt.Sprintf("must hold at most %d %s", v.max, v.what)
}

func (v listMaxSizeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v listMaxSizeValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := len(req.ConfigValue.Elements()); n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many "+v.what,
			fmt.Sprintf("%s has %d %s; at most %d are allowed: %s.", req.Path, n, v.what, v.max, v.hint))
	}
}

// uniqueStringsValidator rejects repeated values, naming their positions
// (counted from 1, as a reader counts lines), so a long list is easy to fix.
type uniqueStringsValidator struct {
	what string
	// key, when set, is what makes two values the same (vod.URLKey for URLs:
	// two spellings of one URL would be preheated, and matched, as one).
	key func(string) string
}

func (v uniqueStringsValidator) Description(context.Context) string {
	return fmt.Sprintf("must not repeat a %s", v.what)
}

func (v uniqueStringsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v uniqueStringsValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	positions := map[string][]int{}
	first := map[string]string{} // the first spelling of each key
	var order []string
	for i, element := range req.ConfigValue.Elements() {
		s, ok := element.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		key := s.ValueString()
		if v.key != nil {
			key = v.key(key)
		}
		if _, seen := positions[key]; !seen {
			order = append(order, key)
			first[key] = s.ValueString()
		}
		positions[key] = append(positions[key], i+1)
	}
	var repeated []string
	for _, key := range order {
		if at := positions[key]; len(at) > 1 {
			repeated = append(repeated, fmt.Sprintf("%q at positions %s", withoutUserInfo(first[key]), joinInts(at)))
		}
	}
	if len(repeated) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Duplicate "+v.what+"s",
			fmt.Sprintf("%s lists the same %s more than once (each is preheated once): %s. Remove the repeats.",
				req.Path, v.what, strings.Join(repeated, "; ")))
	}
}

func joinInts(values []int) string {
	texts := make([]string, len(values))
	for i, v := range values {
		texts[i] = fmt.Sprint(v)
	}
	return strings.Join(texts, ", ")
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

// checkImportedTaskID applies the task ID validator to an imported ID.
func checkImportedTaskID(ctx context.Context, taskID string, diags *diag.Diagnostics) {
	var resp validator.StringResponse
	taskIDValidator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("id"), ConfigValue: types.StringValue(taskID)}, &resp)
	diags.Append(resp.Diagnostics...)
}
