package provider

// The one create-and-wait path of vod_preheating_task, vod_preheating_batch,
// the vod_preheat and vod_refresh actions (runPreheat, which calls
// vod.Client.Preheat, RefreshCDN or Resume in internal/vod/preheat.go), the
// resources' journaled run around it (runResourcePreheat), and the
// single-task wait of the data sources.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

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

// waitForTask polls a task of kind until it is complete, ctx ends or a
// query fails for good (the data sources' wait). A changed summary is
// logged at INFO, so that TF_LOG_PROVIDER=INFO shows a long wait; each
// answered poll is passed to progress when it is not nil.
func waitForTask(ctx context.Context, kind *taskKind, client *vod.Client, taskID string, interval time.Duration, progress func(vod.Task)) (vod.Task, error) {
	last := ""
	task, err := vod.Wait(ctx, taskID, interval, func(ctx context.Context) (vod.Task, error) {
		task, err := kind.query(ctx, client, taskID)
		if err == nil {
			// One line when the progress changes, not one per poll.
			if summary := task.Summary(); summary != last {
				last = summary
				tflog.Info(ctx, upperFirst(kind.noun)+" task "+taskID+" progress: "+summary)
			}
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

// preheatRun is what an entry point asks of runPreheat, built from its arguments.
type preheatRun struct {
	tasks        []vod.TaskSpec
	retryFailed  int
	wait         bool
	failOnFailed bool
	pollInterval time.Duration
	// timeout bounds creates and waits; timeoutSetting names it in messages.
	timeout        time.Duration
	timeoutSetting string
	// saved says whether created tasks go into state (resources) or
	// nowhere (the action): messages say what is left behind.
	saved bool
	// progress, when set, also gets every changed summary (the action's CLI lines).
	progress func(vod.PreheatProgress)
	// from, when set, is a stopped preheat to resume (vod.Client.Resume)
	// instead of starting tasks anew; resumedBy says whether an update
	// does it (the resource is not tainted then) or a create adopting
	// journaled tasks.
	from      *vod.PreheatOutcome
	resumedBy string
	// onTaskCreated, when set, is told each task the moment it is created.
	onTaskCreated func(vod.CreatedTask)
	// kind is preheat (nil) or refresh.
	kind *taskKind
	// refreshFirst refreshes each URL and asset before its preheat (refresh_first.go).
	refreshFirst bool
}

// runPreheat creates the tasks, waits if asked, and describes what went
// wrong. The outcome holds every task created, also when diags has an
// error: a resource saves it in state before adding diags, so that the
// resource is tainted and no task is lost.
func runPreheat(ctx context.Context, client *vod.Client, run preheatRun) (vod.PreheatOutcome, diag.Diagnostics) {
	outcome, diags := runTasks(ctx, client, run)
	return outcome, run.kind.wordDiagnostics(diags)
}

func runTasks(ctx context.Context, client *vod.Client, run preheatRun) (vod.PreheatOutcome, diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, run.timeout)
	defer cancel()
	logger := progressLogger{next: run.progress, noun: kindOr(run.kind).noun}
	req := vod.PreheatRequest{
		Tasks:         run.tasks,
		RetryFailed:   run.retryFailed,
		Wait:          run.wait,
		PollInterval:  run.pollInterval,
		Progress:      func(p vod.PreheatProgress) { logger.report(ctx, p) },
		OnTaskCreated: run.onTaskCreated,
		RefreshFirst:  run.refreshFirst,
	}
	var outcome vod.PreheatOutcome
	var err error
	switch {
	case run.from != nil:
		outcome, err = client.Resume(ctx, *run.from, req)
	case run.kind != nil:
		outcome, err = run.kind.run(ctx, client, req) // the actions name their kind (task_kind.go)
	default:
		outcome, err = client.Preheat(ctx, req)
	}
	var diags diag.Diagnostics
	if err != nil {
		diags.Append(preheatErrorDiagnostic(ctx.Err(), err, outcome, run))
		return outcome, diags
	}
	if run.wait && run.failOnFailed {
		if failure, failed := failedURLsDiagnostic(outcome.Counts(), outcome.FailedURLs(failedURLsShown), outcome.TaskIDs); failed {
			failure = withRefreshFailures(failure, outcome)
			if run.saved {
				failure = diag.NewErrorDiagnostic(failure.Summary(), failure.Detail()+keptInStateNote(outcome.TaskIDs, run.resumedBy == resumedByUpdate))
			}
			diags.Append(failure)
		}
	}
	if unlisted, ok := notListedDiagnostic(outcome, run.wait && run.failOnFailed); ok {
		if run.saved && unlisted.Severity() == diag.SeverityError {
			unlisted = diag.NewErrorDiagnostic(unlisted.Summary(), unlisted.Detail()+keptInStateNote(outcome.TaskIDs, run.resumedBy == resumedByUpdate))
		}
		diags.Append(unlisted)
	}
	for _, w := range outcome.Warnings {
		// Without a wait each new task is queried once, best effort.
		diags.AddWarning("Cannot read a new preheat task yet", fmt.Sprintf("%v\n\nThe task was created; the next refresh reads it again.", w))
	}
	return outcome, diags
}

// progressLogger writes one INFO line each time the summary changes, not
// on every poll, and passes the change on.
type progressLogger struct {
	noun string // "preheat" or "refresh"
	last string
	next func(vod.PreheatProgress)
}

func (l *progressLogger) report(ctx context.Context, p vod.PreheatProgress) {
	line := p.String()
	if line == l.last {
		return
	}
	l.last = line
	tflog.Info(ctx, upperFirst(l.noun)+" progress: "+line)
	if l.next != nil {
		l.next(p)
	}
}

// runResourcePreheat is a resource's create (from nil) or resume (from the
// outcome in state): it adopts the tasks the journal holds for key that
// from does not (an earlier run that Terraform never saw end), runs the
// preheat with every new task going to the journal, and clears the journal
// once the run ends with Terraform still listening, since the outcome then
// goes into state.
func (d providerData) runResourcePreheat(ctx context.Context, key preheatKey, from *vod.PreheatOutcome, run preheatRun) (vod.PreheatOutcome, diag.Diagnostics) {
	start := vod.PreheatOutcome{NotSent: run.tasks}
	if from != nil {
		start, run.resumedBy = *from, resumedByUpdate
	}
	adopted, n, diags := d.adoptJournal(ctx, key, start)
	if from != nil || n > 0 {
		run.from = &adopted
	}
	if n > 0 && from == nil {
		diags.AddWarning("Adopted preheat tasks an earlier run created",
			fmt.Sprintf("The preheat journal %s lists %s that an earlier run created for this same preheat and that never reached state "+
				"(the run was killed before Terraform saved it). They are adopted and waited for instead of being created again: %s.",
				d.journal.path, plural(n, "task"), strings.Join(adopted.TaskIDs, ", ")))
	}
	recorder := &taskRecorder{ctx: ctx, journal: d.journal, key: key}
	run.onTaskCreated = recorder.record
	outcome, runDiags := runPreheat(ctx, d.client, run)
	if d.journal != nil {
		d.journal.release(outcome.TaskIDs)
	}
	diags.Append(recorder.diagnostics()...)
	if ctx.Err() == nil {
		// Terraform gets the outcome and saves it: the journal has done its part.
		d.forgetJournal(ctx, key, outcome.TaskIDs)
	}
	diags.Append(runDiags...)
	return outcome, diags
}
