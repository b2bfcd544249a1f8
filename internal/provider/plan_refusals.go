package provider

// Refusals at plan time, before any request: timeouts that could never
// let a create or a wait finish, a poll_interval the wait's timeout would
// cut short, and a configuration without any credentials.

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// configDuration reads a duration attribute (a GoDuration or a timeouts
// entry) from config; ok is false when it is unset, unknown or no duration
// (the type reports that itself).
func configDuration(ctx context.Context, config tfsdk.Config, at path.Path, diags *diag.Diagnostics) (d time.Duration, raw string, ok bool) {
	var value attr.Value
	diags.Append(config.GetAttribute(ctx, at, &value)...)
	text, isText := value.(interface{ ValueString() string })
	if value == nil || value.IsNull() || value.IsUnknown() || !isText {
		return 0, "", false
	}
	raw = text.ValueString()
	d, err := time.ParseDuration(raw)
	return d, raw, err == nil
}

// checkTimeoutsAboveZero refuses a timeouts entry of zero or less: the
// create or the wait would end before its first request.
func checkTimeoutsAboveZero(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var value attr.Value
	diags.Append(config.GetAttribute(ctx, path.Root("timeouts"), &value)...)
	object, ok := value.(interface{ Attributes() map[string]attr.Value })
	if value == nil || value.IsNull() || value.IsUnknown() || !ok {
		return
	}
	names := make([]string, 0, len(object.Attributes()))
	for name := range object.Attributes() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		at := path.Root("timeouts").AtName(name)
		if d, raw, ok := configDuration(ctx, config, at, diags); ok && d <= 0 {
			diags.AddAttributeError(at, "Invalid timeouts."+name,
				fmt.Sprintf("timeouts.%s is %q; it must be a duration above zero, such as \"10m\", or left unset for its default: "+
					"with no time at all, nothing could be sent or waited for.", name, raw))
		}
	}
}

// checkPollWithinTimeout refuses a poll_interval longer than the timeout
// that bounds the wait (at timeoutPath, fallback when unset): the first
// gap would outlast the wait, which would then time out after the task
// had ended. Without a wait (wait_for_completion = false) it has nothing
// to check.
//
//nolint:unparam // the data source's default read timeout equals the create's today; they need not
func checkPollWithinTimeout(ctx context.Context, config tfsdk.Config, timeoutPath path.Path, fallback time.Duration, diags *diag.Diagnostics) {
	poll, rawPoll, ok := configDuration(ctx, config, path.Root("poll_interval"), diags)
	if !ok {
		return
	}
	var wait types.Bool
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	if !wait.IsNull() && !wait.IsUnknown() && !wait.ValueBool() {
		return // no wait, nothing to outlast
	}
	timeout, _, set := configDuration(ctx, config, timeoutPath, diags)
	if !set {
		var value attr.Value
		diags.Append(config.GetAttribute(ctx, timeoutPath, &value)...)
		if value != nil && value.IsUnknown() {
			return
		}
		timeout = fallback
	}
	if timeout > 0 && poll > timeout {
		diags.AddAttributeError(path.Root("poll_interval"), "poll_interval longer than the wait",
			fmt.Sprintf("poll_interval is %q, longer than %s (%s): the wait would time out before its second poll, "+
				"whether or not the task had ended. Set poll_interval below %s (or leave it unset for the default schedule), or raise %s.",
				rawPoll, timeoutPath, vod.DurationText(timeout), vod.DurationText(timeout), timeoutPath))
	}
}

// checkCredentialsAtPlan refuses, when the plan would start a preheat, a
// provider that finds no keys anywhere, so that the plan fails rather than
// the apply. No request goes to VOD (the metadata service may be asked).
func checkCredentialsAtPlan(ctx context.Context, client *vod.Client, diags *diag.Diagnostics) {
	if client == nil {
		return // not configured yet: an unknown provider setting
	}
	if err := client.CheckKeys(ctx); err != nil {
		diags.AddError(credentialsErrorSummary, fmt.Sprintf("A preheat needs credentials, and none were found: %v\n\nNo request was sent to VOD.", err))
	}
}
