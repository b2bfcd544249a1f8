package vod

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TaskSpec is one create request: an asset and/or up to MaxURLsPerTask URLs.
type TaskSpec struct {
	AssetID string   `json:"asset_id,omitempty"`
	URLs    []string `json:"urls,omitempty"`
}

// SplitTasks puts urls into tasks of MaxURLsPerTask, in order, then one task
// per asset.
func SplitTasks(urls, assetIDs []string) []TaskSpec {
	specs := chunkURLs(urls)
	for _, id := range assetIDs {
		specs = append(specs, TaskSpec{AssetID: id})
	}
	return specs
}

func chunkURLs(urls []string) []TaskSpec {
	var specs []TaskSpec
	for start := 0; start < len(urls); start += MaxURLsPerTask {
		end := min(start+MaxURLsPerTask, len(urls))
		specs = append(specs, TaskSpec{URLs: append([]string(nil), urls[start:end]...)})
	}
	return specs
}

// PreheatRequest is a preheat of any number of tasks.
type PreheatRequest struct {
	Tasks []TaskSpec
	// RetryFailed is how many rounds of retries a URL gets: after a task
	// ends, its failed URLs are preheated again in new URL tasks (at most
	// MaxURLsPerTask each), until they succeed or have had this many rounds.
	RetryFailed int
	// Wait false creates every task, queries each once (best effort) and
	// returns; true waits until every task and retry has ended.
	Wait bool
	// PollInterval is the gap between polls of one task; 0 means the
	// DefaultPollGap schedule.
	PollInterval time.Duration
	// Progress, when not nil, is told the summary each time it changes.
	Progress func(PreheatProgress)
	// OnTaskCreated, when not nil, is told each task the moment VOD
	// accepted it, before the wait goes on, so that a caller can record it
	// somewhere a later run finds it even if this process is killed. It may
	// run in another goroutine than Progress.
	OnTaskCreated func(CreatedTask)
	// RefreshFirst refreshes every URL and asset before preheating it
	// (refresh_first.go); it needs Wait.
	RefreshFirst bool
}

// CreatedTask is one task a preheat created: what it sent, and in which
// round (0 for the request's own specs, n for the nth retry of failed URLs).
type CreatedTask struct {
	TaskID string   `json:"task_id"`
	Spec   TaskSpec `json:"spec"`
	Round  int      `json:"round,omitempty"`
}

func (r PreheatRequest) check(noun string) error {
	if len(r.Tasks) == 0 {
		return fmt.Errorf("nothing to %s: no URLs and no asset IDs", noun)
	}
	if r.RetryFailed < 0 {
		return fmt.Errorf("retry_failed must be zero or more, got %d", r.RetryFailed)
	}
	if r.RefreshFirst && !r.Wait {
		return errors.New("refresh first needs the wait: a preheat is sent only once its refresh has ended")
	}
	for i, s := range r.Tasks {
		switch {
		case s.AssetID == "" && len(s.URLs) == 0:
			return fmt.Errorf("%s task %d needs an asset ID or at least one URL", noun, i+1)
		case len(s.URLs) > MaxURLsPerTask:
			return fmt.Errorf("%s task %d has %d URLs; a task takes at most %d", noun, i+1, len(s.URLs), MaxURLsPerTask)
		}
	}
	return nil
}

// Preheat creates the request's tasks one after another (through
// CreatePreheating, so paced by the create limiter) and, when req.Wait is
// set, waits for all of them in the one wait loop: each task joins the wait
// as soon as it is created, and only unfinished tasks are polled. Failed URLs
// are preheated again for req.RetryFailed rounds.
//
// A stop part-way (ctx ended, a create failed, a query failed for good)
// returns the outcome of everything created so far with a *PreheatError, so
// the caller can save it. No spec is created twice. A request that is not
// valid is refused before any call, with a plain error.
func (c *Client) Preheat(ctx context.Context, req PreheatRequest) (PreheatOutcome, error) {
	return c.preheat(ctx, req, realClock)
}

func (c *Client) preheat(ctx context.Context, req PreheatRequest, clk clock) (PreheatOutcome, error) {
	return c.runTasks(ctx, req, preheatAPI{c}, clk)
}

// runTasks is the many-task flow of Preheat, over the tasks of api.
func (c *Client) runTasks(ctx context.Context, req PreheatRequest, api taskAPI, clk clock) (PreheatOutcome, error) {
	if err := req.check(api.noun()); err != nil {
		return PreheatOutcome{}, err
	}
	r := newRun(c, api, req)
	for _, s := range req.Tasks {
		r.queue = append(r.queue, queuedSpec{spec: s, refresh: req.RefreshFirst})
	}
	r.report()
	if !req.Wait {
		return r.createThenLook(ctx)
	}
	return r.createAndWait(ctx, clk)
}

// queuedSpec is a spec waiting to be created.
type queuedSpec struct {
	spec  TaskSpec
	round int   // 0 for the request's own specs, n for the nth retry
	retry []int // a retry's entries in Results, one per URL of spec
	// refresh makes this spec a refresh task whose end releases the
	// preheat of its URLs (refresh_first.go).
	refresh bool
}

// newRun is the state of a run of req over api, with nothing queued yet.
func newRun(c *Client, api taskAPI, req PreheatRequest) *preheatRun {
	r := &preheatRun{c: c, api: api, req: req, round: map[string]int{}, sent: map[string][]string{}, retried: map[string]bool{}}
	if req.RefreshFirst {
		r.refresh, r.isRefresh, r.refreshSpec = refreshAPI{c}, map[string]bool{}, map[string]TaskSpec{}
	}
	return r
}

// preheatRun is one Preheat's state. Only the goroutine running the wait
// loop touches it; the creator goroutine hands results back as events.
type preheatRun struct {
	c           *Client
	api         taskAPI
	refresh     taskAPI             // with RefreshFirst: refresh tasks, see isRefresh
	isRefresh   map[string]bool     // task ID → it is a refresh task
	refreshSpec map[string]TaskSpec // refresh task ID → what it refreshed
	follow      []string            // every task ID the wait follows, in creation order
	req         PreheatRequest
	out         PreheatOutcome
	queue       []queuedSpec
	inFlight    *queuedSpec
	round       map[string]int      // task ID → its round
	sent        map[string][]string // task ID → the URLs it was created with
	retried     map[string]bool
	createErr   error

	last     PreheatProgress
	reported bool
}

// createThenLook is a preheat that does not wait.
func (r *preheatRun) createThenLook(ctx context.Context) (PreheatOutcome, error) {
	for len(r.queue) > 0 {
		q := r.queue[0]
		r.queue = r.queue[1:]
		taskID, err := r.api.createTask(ctx, q.spec)
		if err != nil {
			r.createErr = err
			r.queue = append([]queuedSpec{q}, r.queue...)
			return r.finish(nil)
		}
		r.tell(q, taskID)
		r.created(q, taskID)
	}
	for _, id := range r.out.TaskIDs {
		if r.out.taskDone(id) {
			continue // a resumed outcome's finished task
		}
		task, err := lookOnce(ctx, r.api, id)
		if err != nil {
			r.out.Warnings = append(r.out.Warnings, fmt.Errorf("querying %s task %s once after creating it: %w", r.api.noun(), id, err))
			continue
		}
		task.ID = id
		r.out.merge(task, false) // one look: a URL not listed yet may be listed later
		r.report()
	}
	return r.finish(nil)
}

// bestEffortLook bounds the one look at a task after its create, when the
// preheat does not wait: max_retries bounds its retries too, and a quota
// window that would hold it longer fails it at once (it ends with a
// warning, the task in the outcome).
const bestEffortLook = 5 * time.Second

// lookOnce is that look: it has its own deadline, never the create's.
func lookOnce(ctx context.Context, api taskAPI, taskID string) (Task, error) {
	ctx, cancel := context.WithTimeout(ctx, bestEffortLook)
	defer cancel()
	return api.queryTask(ctx, taskID)
}

// createAndWait runs the creates in a goroutine of their own, one at a
// time, while the wait loop polls the tasks already created.
func (r *preheatRun) createAndWait(ctx context.Context, clk clock) (PreheatOutcome, error) {
	specs := make(chan queuedSpec)
	events := make(chan func() error, 1)
	go func() {
		for q := range specs {
			taskID, err := r.apiFor(q).createTask(ctx, q.spec)
			if err == nil && !q.refresh {
				r.tell(q, taskID) // at once, not when the wait loop gets to the event
			}
			events <- func() error { return r.createDone(q, taskID, err) }
		}
	}()
	w := newWaiter(clk, r.req.PollInterval, r.queryTask)
	w.project = r.c.knownProjectID
	if r.retried == nil {
		r.retried = map[string]bool{}
	}
	added := 0
	err := w.run(ctx, waitHooks{
		events:  events,
		pending: func() bool { return r.inFlight != nil || (len(r.queue) > 0 && r.createErr == nil) },
		step: func() {
			for ; added < len(r.follow); added++ {
				id := r.follow[added]
				if r.out.taskDone(id) && !r.isRefresh[id] {
					continue // a resumed outcome's finished task is not polled again
				}
				w.add(id).sent = r.sent[id] // none for a refresh task: the URLs it lists count
				w.reached = true            // the endpoint answered the create
			}
			if r.inFlight == nil && len(r.queue) > 0 && r.createErr == nil && ctx.Err() == nil {
				q := r.queue[0]
				r.queue, r.inFlight = r.queue[1:], &q
				specs <- q
			}
		},
		answered: func(t *waitTask) { r.answered(t) },
	})
	close(specs)
	if r.inFlight != nil {
		// The create in flight may succeed: wait for it, so that a task
		// created is never left out of the outcome.
		_ = (<-events)()
	}
	if errors.Is(err, errCreateFailed) {
		err = nil
	}
	return r.finish(err)
}

// errCreateFailed stops the wait loop when a create failed; the create's
// own error is in createErr.
var errCreateFailed = errors.New("a create failed")

// createDone applies a create's result, in the wait loop's goroutine.
func (r *preheatRun) createDone(q queuedSpec, taskID string, err error) error {
	r.inFlight = nil
	if err != nil {
		r.createErr = err
		r.queue = append([]queuedSpec{q}, r.queue...)
		return errCreateFailed
	}
	r.created(q, taskID)
	return nil
}

// tell passes a new task to req.OnTaskCreated.
func (r *preheatRun) tell(q queuedSpec, taskID string) {
	if r.req.OnTaskCreated != nil {
		r.req.OnTaskCreated(CreatedTask{TaskID: taskID, Spec: q.spec, Round: q.round})
	}
}

// created records a new task and its URLs.
func (r *preheatRun) created(q queuedSpec, taskID string) {
	r.follow = append(r.follow, taskID)
	if q.refresh {
		r.refreshCreated(q, taskID)
		return
	}
	r.out.TaskIDs = append(r.out.TaskIDs, taskID)
	r.out.Tasks = append(r.out.Tasks, Task{ID: taskID})
	r.round[taskID] = q.round
	r.sent[taskID] = q.spec.URLs
	if q.retry != nil {
		for _, i := range q.retry {
			res := &r.out.Results[i]
			res.TaskID, res.Status = taskID, ""
			res.Attempts++
		}
	} else {
		for _, u := range q.spec.URLs {
			r.out.Results = append(r.out.Results, URLResult{URL: u, TaskID: taskID, Attempts: 1})
		}
	}
	r.report()
}

// answered merges a task's answer and, once it has ended, queues its
// failed URLs again while rounds are left.
func (r *preheatRun) answered(t *waitTask) {
	if r.isRefresh[t.id] {
		r.refreshAnswered(t)
		r.report()
		return
	}
	if sent := r.sent[t.id]; t.done && len(t.last.Unlisted(sent)) > 0 {
		if r.out.ListedInstead == nil {
			r.out.ListedInstead = map[string][]string{}
		}
		r.out.ListedInstead[t.id] = t.last.Extra(sent)
	}
	r.out.merge(*t.last, t.done)
	if t.done {
		r.queueRetries(t.id)
	}
	r.report()
}

// queueRetries queues the failed URLs of the ended task taskID again, in
// tasks of at most MaxURLsPerTask, while it has rounds left; once per task.
func (r *preheatRun) queueRetries(taskID string) {
	if r.retried[taskID] || r.round[taskID] >= r.req.RetryFailed {
		return
	}
	r.retried[taskID] = true
	var failed []int
	for i, res := range r.out.Results {
		if res.TaskID == taskID && (isStatus(res.Status, StatusFailed) || res.Status == StatusNotListed) {
			failed = append(failed, i)
		}
	}
	for start := 0; start < len(failed); start += MaxURLsPerTask {
		chunk := failed[start:min(start+MaxURLsPerTask, len(failed))]
		q := queuedSpec{round: r.round[taskID] + 1, retry: chunk}
		for _, i := range chunk {
			q.spec.URLs = append(q.spec.URLs, r.out.Results[i].URL)
		}
		r.queue = append(r.queue, q)
	}
}

// report tells req.Progress the summary when it changed.
func (r *preheatRun) report() {
	if r.req.Progress == nil {
		return
	}
	var queued []TaskSpec
	urls := 0
	pending := r.queue
	if r.inFlight != nil {
		pending = append([]queuedSpec{*r.inFlight}, pending...)
	}
	for _, q := range pending {
		queued = append(queued, q.spec)
		if q.retry == nil {
			urls += len(q.spec.URLs)
		}
	}
	p := r.out.progress(queued, urls)
	if r.reported && p == r.last {
		return
	}
	r.last, r.reported = p, true
	r.req.Progress(p)
}

// finish returns the outcome, with a *PreheatError when the preheat stopped
// part-way: the create's error, else the wait's.
func (r *preheatRun) finish(waitErr error) (PreheatOutcome, error) {
	for _, q := range r.queue {
		// A queued retry is not "not sent": its URLs were sent and failed,
		// and Resume queues them again from their status and attempts.
		if q.retry == nil {
			r.out.NotSent = append(r.out.NotSent, q.spec)
		}
	}
	cause := r.createErr
	if cause == nil {
		cause = waitErr
	}
	if cause == nil {
		return r.out, nil
	}
	perr := &PreheatError{Noun: r.api.noun(), Phase: "wait", Created: len(r.out.TaskIDs), URLsCovered: len(r.out.Results), NotSent: r.out.NotSent, Cause: cause}
	if len(r.out.NotSent) > 0 {
		perr.Phase = "create"
	}
	for _, t := range r.out.Tasks {
		if len(t.Results) == 0 && r.isAssetTask(t.ID) {
			perr.AssetsUnlisted++
		}
	}
	return r.out, perr
}

// isAssetTask reports whether no URL of Results was sent in taskID, as for
// an asset's task before the API listed its URLs.
func (r *preheatRun) isAssetTask(taskID string) bool {
	for _, res := range r.out.Results {
		if res.TaskID == taskID {
			return false
		}
	}
	return true
}

// Reread re-queries only the tasks of o that are not known to be complete
// (tasks with no known results too, as after an import of task IDs), merges
// the answers into Results and returns the new outcome. A complete outcome
// sends no request. A failed query stops the reread: the outcome then holds
// what was merged before it, and the error names the task.
func (c *Client) Reread(ctx context.Context, o PreheatOutcome) (PreheatOutcome, error) {
	out := o.clone()
	out.alignTasks()
	for _, id := range out.TaskIDs {
		if out.taskDone(id) {
			continue
		}
		task, err := c.QueryPreheating(ctx, id)
		if err != nil {
			return out, fmt.Errorf("reading preheat task %s again: %w", id, err)
		}
		task.ID = id
		out = out.WithAnswer(task)
	}
	return out, nil
}

// WithAnswer folds one answer for a task of o into a copy of o, as Refresh
// does: URLs matched through URLKey keep the spelling o has, and once the
// task has ended a URL of it that the answer does not list is
// StatusNotListed.
func (o PreheatOutcome) WithAnswer(task Task) PreheatOutcome {
	out := o.clone()
	out.alignTasks()
	out.merge(task, task.Completed())
	return out
}

// knownProjectID is the project the client calls, when it is known without
// a call: configured, or looked up already.
func (c *Client) knownProjectID() string {
	if c.cfg.ProjectID != "" {
		return c.cfg.ProjectID
	}
	c.project.mu.Lock()
	defer c.project.mu.Unlock()
	return c.project.id
}
