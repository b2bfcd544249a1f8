package vod

import (
	"fmt"
	"maps"
	"slices"
)

// URLResult is one URL of a preheat and its latest status.
type URLResult struct {
	URL string
	// Status is as the API last sent it for TaskID; "" until that task's
	// first answer (a URL just sent, or sent again after it failed).
	Status string
	// TaskID is the task that gave Status: the last one the URL was sent in.
	TaskID string
	// Attempts counts the tasks the URL was sent in (1, or more after
	// retries; 0 while it waits for its refresh).
	Attempts int
	// With refresh first: Refresh is the URL's latest refresh status as the
	// API sent it for RefreshTaskID, the last refresh task it was sent in.
	Refresh       string
	RefreshTaskID string
	// RefreshAttempts counts the refresh tasks the URL was sent in.
	RefreshAttempts int
}

// PreheatOutcome is what a preheat created and last saw. It is everything a
// caller needs to save, and all that Reread and Resume need to carry on.
type PreheatOutcome struct {
	// TaskIDs is every task created, in creation order, retries included.
	TaskIDs []string
	// Results has one entry per URL sent: URL tasks' URLs in request order,
	// an asset's URLs as the API lists them once it has listed them.
	Results []URLResult
	// Tasks is the last answer for each task, in the order of TaskIDs;
	// Task{ID: id} when none came yet.
	Tasks []Task
	// NotSent is the specs never created, after a stop part-way; failed
	// URLs queued for a retry are not in it (Resume queues them again).
	NotSent []TaskSpec
	// ListedInstead is, by task ID, the URLs a task's final answer listed
	// that match no URL it was created with, for a task that did not list
	// one of those (see StatusNotListed). Known only to the run that
	// created the task: not rebuilt from saved results.
	ListedInstead map[string][]string
	// Warnings are problems that did not stop the preheat, e.g. a failed
	// best-effort query when the request did not wait.
	Warnings []error
	// RefreshTaskIDs is every refresh task created (refresh first), in
	// creation order, retries included.
	RefreshTaskIDs []string
}

// Counts tallies the URLs by their latest status. A URL not answered yet
// ("") counts as Other, like a status the API docs do not list.
func (o PreheatOutcome) Counts() Counts {
	return countStatuses(len(o.Results), func(i int) string { return o.Results[i].Status })
}

// Completed reports whether everything was sent and every task and URL has
// ended.
func (o PreheatOutcome) Completed() bool {
	if len(o.NotSent) > 0 || len(o.TaskIDs) == 0 || len(o.Results) == 0 {
		return false
	}
	for _, id := range o.TaskIDs {
		if !o.taskDone(id) {
			return false
		}
	}
	for _, r := range o.Results {
		if !isFinal(r.Status) {
			return false
		}
	}
	return true
}

// AllSucceeded reports whether the preheat is complete and every URL's
// latest status is a success.
func (o PreheatOutcome) AllSucceeded() bool {
	if !o.Completed() {
		return false
	}
	for _, r := range o.Results {
		if !isStatus(r.Status, StatusSucceed) {
			return false
		}
	}
	return true
}

// FailedURLs returns up to limit URLs whose latest status is failed, in order.
func (o PreheatOutcome) FailedURLs(limit int) []string {
	var urls []string
	for _, r := range o.Results {
		if len(urls) == limit {
			break
		}
		if isStatus(r.Status, StatusFailed) {
			urls = append(urls, r.URL)
		}
	}
	return urls
}

// task returns the last answer kept for taskID, if any.
func (o PreheatOutcome) task(taskID string) (Task, bool) {
	for _, t := range o.Tasks {
		if t.ID == taskID {
			return t, true
		}
	}
	return Task{}, false
}

// taskDone reports whether taskID is known to be complete: its last answer
// says so or, when no answer was kept (an outcome rebuilt from saved
// results), its URLs in Results have all ended. A task with neither is not
// known to be complete.
func (o PreheatOutcome) taskDone(taskID string) bool {
	if t, ok := o.task(taskID); ok && len(t.Results) > 0 {
		return t.Completed()
	}
	seen := false
	for _, r := range o.Results {
		if r.TaskID == taskID {
			if !isFinal(r.Status) {
				return false
			}
			seen = true
		}
	}
	return seen
}

// clone copies o deeply enough that changing the copy's slices leaves o alone.
func (o PreheatOutcome) clone() PreheatOutcome {
	return PreheatOutcome{
		TaskIDs:  slices.Clone(o.TaskIDs),
		Results:  slices.Clone(o.Results),
		Tasks:    slices.Clone(o.Tasks),
		NotSent:  slices.Clone(o.NotSent),
		Warnings: slices.Clone(o.Warnings),

		ListedInstead:  maps.Clone(o.ListedInstead),
		RefreshTaskIDs: slices.Clone(o.RefreshTaskIDs),
	}
}

// alignTasks makes Tasks hold one entry per task ID, in TaskIDs' order,
// keeping every answer it had.
func (o *PreheatOutcome) alignTasks() {
	tasks := make([]Task, len(o.TaskIDs))
	for i, id := range o.TaskIDs {
		tasks[i] = Task{ID: id}
		if t, ok := o.task(id); ok {
			tasks[i] = t
		}
	}
	o.Tasks = tasks
}

// merge folds an answer for task.ID into the outcome: each URL updates its
// entry for that task, matched through URLKey so that the entry keeps the
// spelling that was sent; a URL with no entry for it gets one, unless a
// later task carries the URL already (it was sent again there). When final
// (the task has ended), an entry of the task that the answer does not list
// gets StatusNotListed.
func (o *PreheatOutcome) merge(task Task, final bool) {
	pos := slices.Index(o.TaskIDs, task.ID)
	if pos < 0 {
		return
	}
	o.Tasks[pos] = task
	own := map[string][]int{}
	later := map[string]bool{}
	for i, r := range o.Results {
		switch p := slices.Index(o.TaskIDs, r.TaskID); {
		case r.TaskID == task.ID:
			own[URLKey(r.URL)] = append(own[URLKey(r.URL)], i)
		case p > pos:
			later[URLKey(r.URL)] = true
		}
	}
	for _, r := range task.Results {
		key := URLKey(r.URL)
		if idx := own[key]; len(idx) > 0 {
			o.Results[idx[0]].Status = r.Status
			own[key] = idx[1:]
			continue
		}
		if later[key] {
			continue
		}
		o.Results = append(o.Results, URLResult{URL: r.URL, Status: r.Status, TaskID: task.ID, Attempts: 1})
	}
	if !final {
		return
	}
	for _, idx := range own {
		for _, i := range idx {
			o.Results[i].Status = StatusNotListed
		}
	}
}

// NotListed returns up to limit URLs whose status is StatusNotListed, in
// order, each with what its task listed instead.
func (o PreheatOutcome) NotListed(limit int) []UnlistedURL {
	var out []UnlistedURL
	for _, r := range o.Results {
		if len(out) == limit {
			break
		}
		if r.Status == StatusNotListed {
			out = append(out, UnlistedURL{URL: r.URL, TaskID: r.TaskID, Listed: o.ListedInstead[r.TaskID]})
		}
	}
	return out
}

// UnlistedURL is a URL that its task ended without listing.
type UnlistedURL struct {
	URL, TaskID string
	// Listed is what the task listed that matched no URL sent in it.
	Listed []string
}

// PreheatProgress sums up a preheat over all its URLs and tasks.
type PreheatProgress struct {
	Total      int // URLs known: sent, and still to be sent (an asset's once listed)
	Succeed    int
	Failed     int
	Processing int // not ended yet, not yet sent included (not_listed has ended)
	Tasks      int // tasks created
	NotCreated int // tasks still to be created
	// RefreshTasks is the refresh tasks created (refresh first).
	RefreshTasks int
}

// String is the one-line summary: "120/230 URLs succeeded, 2 failed, 108
// processing; 30 tasks, 3 not yet created".
func (p PreheatProgress) String() string {
	line := fmt.Sprintf("%d/%d URLs succeeded, %d failed, %d processing; %s", p.Succeed, p.Total, p.Failed, p.Processing, plural(p.Tasks, "task"))
	if p.RefreshTasks > 0 {
		line += ", " + plural(p.RefreshTasks, "refresh task")
	}
	if p.NotCreated > 0 {
		line += fmt.Sprintf(", %d not yet created", p.NotCreated)
	}
	return line
}

// progress sums up o, with queued (specs not created yet, retries excluded:
// their URLs are in Results already).
func (o PreheatOutcome) progress(queued []TaskSpec, queuedURLs int) PreheatProgress {
	c := o.Counts()
	p := PreheatProgress{Total: c.Total + queuedURLs, Succeed: c.Succeed, Failed: c.Failed, Tasks: len(o.TaskIDs), NotCreated: len(queued),
		RefreshTasks: len(o.RefreshTaskIDs)}
	p.Processing = p.Total - p.Succeed - p.Failed
	for _, r := range o.Results {
		if r.Status == StatusNotListed {
			p.Processing-- // ended, though neither succeeded nor failed
		}
	}
	return p
}
