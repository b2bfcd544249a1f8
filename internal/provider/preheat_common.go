package provider

// What the data source, the resource and the action share: the computed
// results and their documentation, the wait with its progress reports, and
// the description of wait and create errors.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// failedURLsShown is how many failed URLs the fail_on_failed error lists.
const failedURLsShown = 10

// dailyPreheatQuota is Huawei's documented limit of preheats per tenant and day.
const dailyPreheatQuota = 1000

var (
	urlStatusAttrTypes = map[string]attr.Type{"url": types.StringType, "status": types.StringType}
	urlStatusType      = types.ObjectType{AttrTypes: urlStatusAttrTypes}
)

// preheatResults is the computed part of a preheat task, named and filled
// the same way in the data source and the resource.
type preheatResults struct {
	PreheatingResults types.List  `tfsdk:"preheating_results"`
	Total             types.Int64 `tfsdk:"total"`
	Processing        types.Int64 `tfsdk:"processing"`
	Succeed           types.Int64 `tfsdk:"succeed"`
	Failed            types.Int64 `tfsdk:"failed"`
	Completed         types.Bool  `tfsdk:"completed"`
	AllSucceeded      types.Bool  `tfsdk:"all_succeeded"`
}

// newPreheatResults translates what a query of the task returned.
func newPreheatResults(task vod.Task) (preheatResults, diag.Diagnostics) {
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
	return preheatResults{
		PreheatingResults: list,
		Total:             types.Int64Value(int64(counts.Total)),
		Processing:        types.Int64Value(int64(counts.Processing)),
		Succeed:           types.Int64Value(int64(counts.Succeed)),
		Failed:            types.Int64Value(int64(counts.Failed)),
		Completed:         types.BoolValue(task.Completed()),
		AllSucceeded:      types.BoolValue(task.AllSucceeded()),
	}, diags
}

// resultDocs documents the computed results, for both schema packages.
var resultDocs = struct {
	PreheatingResults, URL, Status, Total, Processing, Succeed, Failed, Completed, AllSucceeded string
}{
	PreheatingResults: "The task's URLs, in the API's order.",
	URL:               "A URL being preheated.",
	Status: "`processing`, `succeed` or `failed`, " +
		"or any other value the API sends, shown as it came (it counts as not complete).",
	Total:        "Number of URLs in the task.",
	Processing:   "Number of URLs whose status is `processing`.",
	Succeed:      "Number of URLs whose status is `succeed`.",
	Failed:       "Number of URLs whose status is `failed`.",
	Completed:    "The list is not empty and every URL is `succeed` or `failed`.",
	AllSucceeded: "The task is complete and every URL is `succeed`.",
}

// pollIntervalDoc documents poll_interval wherever it appears.
var pollIntervalDoc = fmt.Sprintf("Fixed gap between two polls while waiting, as a duration such as `\"5s\"` or `\"200ms\"`, at least %s. "+
	"Unset, polls follow a schedule that grows with the wait: at once, about every 2 s, then a fifth of the time waited so far, at most 1 min apart.", minPollInterval)

// pollInterval is the configured gap, or 0 ("the client's default schedule").
func pollInterval(v timetypes.GoDuration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, _ := v.ValueGoDuration() // the type and pollIntervalValidator checked it
	return d
}

// durationOr is the configured duration, or fallback when there is none.
func durationOr(v timetypes.GoDuration, fallback time.Duration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	if d, diags := v.ValueGoDuration(); !diags.HasError() {
		return d
	}
	return fallback
}

// waitForPreheat polls the task until it is complete, ctx ends or a query
// fails for good. Each answered poll is logged at INFO, so that TF_LOG=INFO
// shows a long wait, and passed to progress when it is not nil.
func waitForPreheat(ctx context.Context, client *vod.Client, taskID string, interval time.Duration, progress func(vod.Task)) (vod.Task, error) {
	task, err := vod.Wait(ctx, taskID, interval, func(ctx context.Context) (vod.Task, error) {
		task, err := client.QueryPreheating(ctx, taskID)
		if err == nil {
			tflog.Info(ctx, "Preheat task progress", map[string]any{"task_id": taskID, "progress": task.Summary()})
			if progress != nil {
				progress(task)
			}
		}
		return task, err
	})
	task.ID = taskID // a wait stopped before any answer returns an empty task
	return task, err
}

// progressLine is the one-line progress of a task, as the action streams it:
// "2/10 succeeded, 0 failed, 8 processing".
func progressLine(task vod.Task) string {
	c := task.Counts()
	line := fmt.Sprintf("%d/%d succeeded, %d failed, %d processing", c.Succeed, c.Total, c.Failed, c.Processing)
	if c.Other > 0 {
		line += fmt.Sprintf(", %d in another status", c.Other)
	}
	return line
}

// failedPreheatDiagnostic is the fail_on_failed error, or false when no URL failed.
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

// describeWaitError explains a failed read or wait of taskID; waitCtxErr is
// the error of the call's own context (with its timeout); timeoutSetting
// names the setting that bounded it, such as "timeouts.read".
func describeWaitError(waitCtxErr, err error, taskID string, timeout time.Duration, timeoutSetting string) (summary, detail string) {
	var waitErr *vod.WaitError
	switch {
	case vod.IsCredentialsError(err) && !errors.As(err, &waitErr):
		return credentialsErrorSummary, fmt.Sprintf("Reading preheat task %s failed: %v", taskID, err)
	case errors.As(err, &waitErr) && errors.Is(err, context.DeadlineExceeded):
		return "Timed out waiting for the preheat task",
			fmt.Sprintf("%v.\n\nThe %s is %s; raise %s to wait longer.", err, timeoutName(timeoutSetting), timeout, timeoutSetting)
	case errors.As(err, &waitErr):
		return "Stopped waiting for the preheat task", err.Error()
	case errors.Is(waitCtxErr, context.DeadlineExceeded):
		// Only the call's own context says it timed out: one attempt's
		// request_timeout is an AttemptTimeoutError, never DeadlineExceeded.
		return "Timed out reading the preheat task",
			fmt.Sprintf("Reading preheat task %s did not finish within the %s of %s: %v", taskID, timeoutName(timeoutSetting), timeout, err)
	}
	if _, ok := vod.AsAPIError(err); ok {
		return "VOD API error", fmt.Sprintf("Reading preheat task %s failed: %v", taskID, err)
	}
	detail = fmt.Sprintf("Reading preheat task %s failed: %v", taskID, err)
	var (
		timeoutErr *vod.AttemptTimeoutError
		decodeErr  *vod.DecodeError
	)
	switch {
	case errors.As(err, &timeoutErr):
		detail += ".\n\nIf the API is slow rather than unreachable, raise request_timeout (or HW_VOD_REQUEST_TIMEOUT)."
	case errors.As(err, &decodeErr):
		detail += ".\n\nThe answer was not the API's JSON: a proxy or load balancer may be answering in its place; check endpoint and any HTTPS proxy."
	}
	return "Cannot read the preheat task", detail
}

// durationText writes a default duration as users write it: "20m", not "20m0s".
func durationText(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}

// timeoutName turns "timeouts.read" into "read timeout"; "timeout" stays.
func timeoutName(setting string) string {
	if name, ok := strings.CutPrefix(setting, "timeouts."); ok {
		return name + " timeout"
	}
	return setting
}

// describeCreateError explains a create that returned no task_id. A create
// is not retried unless it was throttled, so the message says whether VOD
// may have started a preheat anyway, and what to check before re-running.
func describeCreateError(err error) (summary, detail string) {
	apiErr, isAPI := vod.AsAPIError(err)
	switch {
	case vod.IsNotSent(err):
		return "The preheat request was not sent", fmt.Sprintf("Creating the preheat failed: %v\n\n"+
			"The request was not sent, no preheat was started.", err)
	case vod.IsCredentialsError(err):
		return credentialsErrorSummary, fmt.Sprintf("Creating the preheat failed: %v\n\nNo request reached VOD, so no preheat was started.", err)
	case isAPI && apiErr.HTTPStatus == http.StatusTooManyRequests:
		return "VOD throttled the preheat request",
			fmt.Sprintf("Creating the preheat failed: %v\n\nThe gateway refused the request before VOD saw it, so no preheat was started. "+
				"Throttled requests are retried up to max_retries; wait a minute, or raise max_retries, and run again. "+
				"If the daily quota of %d preheats is used up, wait until tomorrow.", err, dailyPreheatQuota)
	case isAPI && !apiErr.ServerFault(): // a 403 VOD.10051 is VOD failing, not refusing
		return "VOD refused the preheat", fmt.Sprintf("Creating the preheat failed: %v\n\nNo preheat was started.", err)
	}
	// A 5xx, no answer, or a timeout: VOD may have created the task anyway.
	return "The preheat request may or may not have started a preheat",
		fmt.Sprintf("Creating the preheat failed: %v\n\n"+
			"VOD may have created the preheat task without reporting its task_id. The request was not retried, "+
			"because a second one could start a second preheat, and each counts against the daily quota of %d preheats. "+
			"Before running again, check in the VOD console (CDN preheating) whether a task for these URLs was created "+
			"at %s; to track it here, import it: terraform import <address> <task_id>.", err, dailyPreheatQuota, time.Now().UTC().Format(time.RFC3339))
}
