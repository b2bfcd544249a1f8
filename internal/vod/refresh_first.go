package vod

// Refresh first: a preheat whose request sets RefreshFirst sends each spec
// as a refresh task first; the end of that task releases the preheat of the
// URLs whose refresh succeeded, while the other refreshes and preheats go on
// (one wait loop follows both kinds). A URL whose refresh failed is
// refreshed again for RetryFailed rounds; once they are spent it ends
// "failed" and is never preheated. A spec's preheat keeps its shape (its
// asset and URLs in one task) when every URL of its asset was refreshed;
// otherwise the asset's refreshed URLs are preheated by URL, so that one
// failed URL does not hold back the others.

import "context"

// apiFor is the API that creates q.
func (r *preheatRun) apiFor(q queuedSpec) taskAPI {
	if q.refresh {
		return r.refresh
	}
	return r.api
}

// queryTask queries a task the wait follows with its own API. It runs in
// the wait loop's goroutine, as does every change of isRefresh.
func (r *preheatRun) queryTask(ctx context.Context, taskID string) (Task, error) {
	if r.isRefresh[taskID] {
		return r.refresh.queryTask(ctx, taskID)
	}
	return r.api.queryTask(ctx, taskID)
}

// refreshCreated records a new refresh task and its URLs: new entries for a
// spec's URLs (an asset's come with the task's first answer), or the
// entries of a refresh retry.
func (r *preheatRun) refreshCreated(q queuedSpec, taskID string) {
	r.out.RefreshTaskIDs = append(r.out.RefreshTaskIDs, taskID)
	r.isRefresh[taskID] = true
	r.refreshSpec[taskID] = q.spec
	r.round[taskID] = q.round
	if q.retry != nil {
		for _, i := range q.retry {
			r.out.Results[i].RefreshTaskID, r.out.Results[i].Refresh = taskID, ""
			r.out.Results[i].RefreshAttempts++
		}
	} else {
		for _, u := range q.spec.URLs {
			r.out.Results = append(r.out.Results, URLResult{URL: u, RefreshTaskID: taskID, RefreshAttempts: 1})
		}
	}
	r.report()
}

// refreshAnswered merges a refresh task's answer and, once the task has
// ended, releases the preheat of its URLs that succeeded and refreshes the
// failed ones again while rounds are left.
func (r *preheatRun) refreshAnswered(t *waitTask) {
	r.mergeRefresh(*t.last)
	if !t.done || r.retried[t.id] {
		return
	}
	r.retried[t.id] = true
	spec := r.refreshSpec[t.id]
	listed := map[string]bool{}
	for _, u := range spec.URLs {
		listed[u] = true
	}
	var urls, asset, failed []int // succeeded URLs listed in the spec, succeeded URLs of its asset, failed ones
	assetWhole := spec.AssetID != ""
	for i, res := range r.out.Results {
		if res.RefreshTaskID != t.id || res.TaskID != "" {
			continue // another task's, or preheated already (a resumed run's)
		}
		switch {
		case isStatus(res.Refresh, StatusSucceed) && listed[res.URL]:
			urls = append(urls, i)
		case isStatus(res.Refresh, StatusSucceed):
			asset = append(asset, i)
		case r.round[t.id] < r.req.RetryFailed:
			failed, assetWhole = append(failed, i), assetWhole && listed[res.URL]
		default:
			// Its rounds are spent: the URL fails without a preheat.
			r.out.Results[i].Status = StatusFailed
			assetWhole = assetWhole && listed[res.URL]
		}
	}
	if assetWhole && len(asset) > 0 {
		// One task, as the spec was: the asset and its URLs that were refreshed.
		q := queuedSpec{spec: TaskSpec{AssetID: spec.AssetID}, retry: append(urls, asset...)}
		for _, i := range urls {
			q.spec.URLs = append(q.spec.URLs, r.out.Results[i].URL)
		}
		r.queue = append(r.queue, q)
	} else {
		r.queueURLs(append(urls, asset...), queuedSpec{})
	}
	r.queueURLs(failed, queuedSpec{refresh: true, round: r.round[t.id] + 1})
}

// queueURLs queues the entries of Results at indices in specs like proto,
// at most MaxURLsPerTask each.
func (r *preheatRun) queueURLs(indices []int, proto queuedSpec) {
	for start := 0; start < len(indices); start += MaxURLsPerTask {
		q := proto
		q.retry = indices[start:min(start+MaxURLsPerTask, len(indices))]
		for _, i := range q.retry {
			q.spec.URLs = append(q.spec.URLs, r.out.Results[i].URL)
		}
		r.queue = append(r.queue, q)
	}
}

// mergeRefresh folds a refresh task's answer into the entries sent in it;
// a URL with no entry (an asset's) gets one.
func (r *preheatRun) mergeRefresh(task Task) {
	own := map[string][]int{}
	for i, res := range r.out.Results {
		if res.RefreshTaskID == task.ID {
			own[res.URL] = append(own[res.URL], i)
		}
	}
	for _, answer := range task.Results {
		if idx := own[answer.URL]; len(idx) > 0 {
			r.out.Results[idx[0]].Refresh = answer.Status
			own[answer.URL] = idx[1:]
			continue
		}
		r.out.Results = append(r.out.Results, URLResult{URL: answer.URL, Refresh: answer.Status, RefreshTaskID: task.ID, RefreshAttempts: 1})
	}
}
