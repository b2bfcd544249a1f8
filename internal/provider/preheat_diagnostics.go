package provider

// The diagnostics every entry point shares: a create that failed, a wait
// that stopped, failed URLs, and a run that created only part of its tasks.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// failedURLsShown is how many failed URLs the fail_on_failed error lists.
const failedURLsShown = 10

// notSentShown is how many unsent URLs or assets an error lists.
const notSentShown = 10

// dailyPreheatQuota is Huawei's documented limit of preheats per tenant and day.
const dailyPreheatQuota = 1000

// tasksLabel names one task ("preheat task X") or several ("3 preheat tasks: X, Y, Z").
func tasksLabel(taskIDs []string) string {
	switch len(taskIDs) {
	case 0:
		return "no preheat task"
	case 1:
		return "preheat task " + taskIDs[0]
	}
	shown := taskIDs
	more := ""
	if len(shown) > 5 {
		shown, more = shown[:5], fmt.Sprintf(" and %d more", len(taskIDs)-5)
	}
	return fmt.Sprintf("%d preheat tasks (%s%s)", len(taskIDs), strings.Join(shown, ", "), more)
}

// failedPreheatDiagnostic is the fail_on_failed error, or false when no URL failed.
func failedPreheatDiagnostic(task vod.Task) (diag.Diagnostic, bool) {
	counts := task.Counts()
	return failedURLsDiagnostic(counts, task.FailedURLs(failedURLsShown), []string{task.ID})
}

// failedURLsDiagnostic lists the failed URLs of a run, or is false when none failed.
func failedURLsDiagnostic(counts vod.Counts, failed, taskIDs []string) (diag.Diagnostic, bool) {
	if counts.Failed == 0 {
		return nil, false
	}
	detail := fmt.Sprintf("fail_on_failed is set and %d of %d URLs of %s failed:\n  %s",
		counts.Failed, counts.Total, tasksLabel(taskIDs), strings.Join(failed, "\n  "))
	if more := counts.Failed - len(failed); more > 0 {
		detail += fmt.Sprintf("\n  … and %d more", more)
	}
	return diag.NewErrorDiagnostic("Preheat failed", detail), true
}

// notListedDiagnostic names the URLs whose tasks ended without listing
// them, with what each listed instead: an error under fail_on_failed, else
// a warning. False when there are none.
func notListedDiagnostic(outcome vod.PreheatOutcome, fail bool) (diag.Diagnostic, bool) {
	unlisted := outcome.NotListed(failedURLsShown)
	if len(unlisted) == 0 {
		return nil, false
	}
	var b strings.Builder
	total := outcome.Counts().Total
	n := 0
	for _, r := range outcome.Results {
		if r.Status == vod.StatusNotListed {
			n++
		}
	}
	fmt.Fprintf(&b, "%d of %d URLs ended with status %q: their preheat task ended without listing them, "+
		"under their spelling or any equivalent one (scheme and host case, default port, escaped unreserved characters), "+
		"so their preheat is not confirmed:", n, total, vod.StatusNotListed)
	for _, u := range unlisted {
		fmt.Fprintf(&b, "\n  %s (task %s", u.URL, u.TaskID)
		if len(u.Listed) > 0 {
			fmt.Fprintf(&b, "; it listed instead: %s", listSome(u.Listed, 5))
		}
		b.WriteString(")")
	}
	if more := n - len(unlisted); more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", more)
	}
	b.WriteString("\n\nCheck that these URLs are spelled as the CDN serves them (a trailing slash or a query makes another URL). " +
		"retry_failed sends them again.")
	if fail {
		return diag.NewErrorDiagnostic("Preheat not confirmed for every URL", "fail_on_failed is set and "+b.String()), true
	}
	return diag.NewWarningDiagnostic("Preheat not confirmed for every URL", b.String()), true
}

// describeWaitError explains a failed read or wait of what (a label such
// as tasksLabel's); waitCtxErr is
// the error of the call's own context (with its timeout); timeoutSetting
// names the setting that bounded it, such as "timeouts.read".
func describeWaitError(waitCtxErr, err error, what string, timeout time.Duration, timeoutSetting string) (summary, detail string) {
	var waitErr *vod.WaitError
	switch {
	case vod.IsCredentialsError(err) && !errors.As(err, &waitErr):
		return credentialsErrorSummary, fmt.Sprintf("Reading %s failed: %v", what, err)
	case errors.As(err, &waitErr) && errors.Is(err, context.DeadlineExceeded):
		return "Timed out waiting for the preheat task",
			fmt.Sprintf("%v.\n\nThe %s is %s; raise %s to wait longer.", err, timeoutName(timeoutSetting), vod.DurationText(timeout), timeoutSetting)
	case errors.As(err, &waitErr):
		return "Stopped waiting for the preheat task", err.Error()
	case errors.Is(waitCtxErr, context.DeadlineExceeded):
		// Only the call's own context says it timed out: one attempt's
		// request_timeout is an AttemptTimeoutError, never DeadlineExceeded.
		return "Timed out reading the preheat task",
			fmt.Sprintf("Reading %s did not finish within the %s of %s: %v", what, timeoutName(timeoutSetting), vod.DurationText(timeout), err)
	}
	if _, ok := vod.AsAPIError(err); ok {
		return "VOD API error", fmt.Sprintf("Reading %s failed: %v", what, err)
	}
	detail = fmt.Sprintf("Reading %s failed: %v", what, err)
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
		// Also a create the gateway throttled (429) and then stopped by
		// Ctrl-C or its timeout: it never reached VOD.
		return "The preheat request was not sent", fmt.Sprintf("Creating the preheat failed: %v\n\n"+
			"The request was not sent, no preheat was started.", err)
	case vod.IsCredentialsError(err):
		return credentialsErrorSummary, fmt.Sprintf("Creating the preheat failed: %v\n\nNo request reached VOD, so no preheat was started.", err)
	case isAPI && apiErr.HTTPStatus == http.StatusTooManyRequests &&
		!errors.As(err, new(*vod.RetryBeyondDeadlineError)) && !errors.As(err, new(*vod.RetriesExhaustedError)):
		// Given up at once: only max_retries = 0 does that to a throttled create.
		return "VOD throttled the preheat request",
			fmt.Sprintf("Creating the preheat failed: %v\n\nThe gateway refused the request before VOD saw it, so no preheat was started. "+
				"It was not retried because max_retries is 0: raise max_retries (or unset it) so that a throttled create "+
				"is retried, paced to the gateway's window, until its timeout.", err)
	case isAPI && apiErr.HTTPStatus == http.StatusTooManyRequests:
		return "VOD throttled the preheat request",
			fmt.Sprintf("Creating the preheat failed: %v\n\nThe gateway refused the request before VOD saw it, so no preheat was started. "+
				"A throttled create is retried, paced to the gateway's window, until its timeout (timeouts.create, or the action's timeout): "+
				"it was still throttled then. Wait a minute, or give the create a longer timeout, and run again. "+
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

// resumedByUpdate marks a run that resumes a stopped preheat in an update.
const resumedByUpdate = "update"

// keptInStateNote tells what happens to tasks whose run failed after VOD
// accepted them, and the two ways on: resume, or start over. An update
// that stopped leaves the resource untainted, so the next apply resumes.
func keptInStateNote(taskIDs []string, update bool) string {
	label, verb := tasksLabel(taskIDs), "was"
	if len(taskIDs) > 1 {
		verb = "were"
	}
	if update {
		return fmt.Sprintf("\n\n%s %s saved in state, with what was not sent. Run terraform apply again to resume from here: "+
			"it sends only what was not sent, waits for the unfinished tasks and re-sends failed URLs within retry_failed. "+
			"To start over instead, run terraform apply -replace=<this resource's address>.",
			upperFirst(label), map[string]string{"was": "is", "were": "are"}[verb])
	}
	return fmt.Sprintf("\n\n%s %s created and %s saved in state, with what was not sent; Terraform marks the resource tainted. Two ways on:\n"+
		"- To resume where this run stopped (send only what was not sent, wait for the unfinished tasks, re-send failed URLs "+
		"within retry_failed), run terraform untaint <this resource's address>, then terraform apply.\n"+
		"- To start over, run terraform apply as it is: it replaces the resource with a new preheat of everything "+
		"(new tasks, counted again against the daily quota of %d).",
		upperFirst(label), verb, map[string]string{"was": "is", "were": "are"}[verb], dailyPreheatQuota)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// preheatErrorDiagnostic describes a run that stopped: in creating (maybe
// after some tasks were created) or in waiting.
func preheatErrorDiagnostic(ctxErr, err error, outcome vod.PreheatOutcome, run preheatRun) diag.Diagnostic {
	var preheatErr *vod.PreheatError
	if !errors.As(err, &preheatErr) {
		preheatErr = &vod.PreheatError{Created: len(outcome.TaskIDs), Phase: "create", Cause: err}
	}
	if preheatErr.Phase == "wait" {
		summary, detail := describeWaitError(ctxErr, preheatErr.Cause, tasksLabel(outcome.TaskIDs), run.timeout, run.timeoutSetting)
		return diag.NewErrorDiagnostic(summary, detail+leftBehindNote(outcome.TaskIDs, run))
	}
	summary, detail := describeCreateError(preheatErr.Cause)
	if vod.IsDailyQuotaExceeded(preheatErr.Cause) {
		summary = "The daily preheat quota is used up"
		detail = fmt.Sprintf("Creating the preheat failed: %v\n\nVOD answered that the tenant's daily quota of preheats "+
			"(Huawei documents %d a day) is used up, so no more tasks were sent. The quota resets daily: run again tomorrow.",
			preheatErr.Cause, dailyPreheatQuota)
	}
	if preheatErr.Created > 0 || len(preheatErr.NotSent) > 0 && len(outcome.TaskIDs) > 0 {
		detail += partialCreationNote(preheatErr, outcome, run)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// partialCreationNote says what a run created before it stopped, and what it did not send.
func partialCreationNote(preheatErr *vod.PreheatError, outcome vod.PreheatOutcome, run preheatRun) string {
	var b strings.Builder
	verb := "were"
	if preheatErr.Created == 1 {
		verb = "was"
	}
	fmt.Fprintf(&b, "\n\nBefore this error, %s %s created, covering %s", plural(preheatErr.Created, "preheat task"), verb, plural(preheatErr.URLsCovered, "URL"))
	if len(preheatErr.NotSent) > 0 {
		fmt.Fprintf(&b, "; not sent: %s", describeNotSent(preheatErr.NotSent))
	}
	b.WriteString(".")
	if len(outcome.TaskIDs) > 0 {
		b.WriteString(leftBehindNote(outcome.TaskIDs, run))
	}
	return b.String()
}

// leftBehindNote says where created tasks are: in state, tainted, or, for
// the action, nowhere but in VOD.
func leftBehindNote(taskIDs []string, run preheatRun) string {
	if run.saved {
		return keptInStateNote(taskIDs, run.resumedBy == resumedByUpdate)
	}
	if len(taskIDs) == 0 {
		return ""
	}
	return fmt.Sprintf("\n\n%s went on in VOD; the action records nothing: read the results with the vod_preheating_result data source.",
		upperFirst(tasksLabel(taskIDs)))
}

// describeNotSent lists what was not sent: tasks, their URLs and assets.
func describeNotSent(specs []vod.TaskSpec) string {
	var urls, assets []string
	for _, spec := range specs {
		if spec.AssetID != "" {
			assets = append(assets, spec.AssetID)
		}
		urls = append(urls, spec.URLs...)
	}
	parts := []string{plural(len(specs), "task")}
	if len(urls) > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(len(urls), "URL"), listSome(urls, notSentShown)))
	}
	if len(assets) > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(len(assets), "asset"), listSome(assets, notSentShown)))
	}
	return strings.Join(parts, ", ")
}

// plural is "1 task" or "3 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func listSome(values []string, limit int) string {
	if len(values) <= limit {
		return strings.Join(values, ", ")
	}
	return strings.Join(values[:limit], ", ") + fmt.Sprintf(" and %d more", len(values)-limit)
}
