package vod

import (
	"context"
	"fmt"
	"slices"
)

// Resume carries on a preheat that stopped part-way, from the outcome it
// left (saved in state, or rebuilt by Adopt): it creates only o.NotSent,
// waits for the tasks of o not known to have ended, and sends failed URLs
// again while they have rounds left. req.RetryFailed counts every round,
// the first run's included, so raising it after a stop re-sends only the
// URLs that failed; req.Tasks is ignored. Nothing that was sent is sent
// again otherwise, and an outcome with nothing left sends no request.
//
// Like Preheat, a stop part-way returns the outcome so far with a
// *PreheatError, and with req.Wait false the new tasks are created and
// queried once.
func (c *Client) Resume(ctx context.Context, o PreheatOutcome, req PreheatRequest) (PreheatOutcome, error) {
	return c.resume(ctx, o, req, realClock)
}

func (c *Client) resume(ctx context.Context, o PreheatOutcome, req PreheatRequest, clk clock) (PreheatOutcome, error) {
	if req.RetryFailed < 0 {
		return o, fmt.Errorf("retry_failed must be zero or more, got %d", req.RetryFailed)
	}
	r := newRun(c, preheatAPI{c}, req)
	r.out = o.clone()
	r.out.NotSent, r.out.Warnings = nil, nil
	r.out.alignTasks()
	for _, spec := range o.NotSent {
		r.queue = append(r.queue, queuedSpec{spec: spec, refresh: req.RefreshFirst})
	}
	for _, id := range r.out.TaskIDs {
		r.round[id] = r.out.roundOf(id)
		// The wait ends when each URL saved for the task has (none saved: an
		// asset's task, whose listed URLs count).
		r.sent[id] = r.out.urlsOf(id)
		r.follow = append(r.follow, id)
	}
	if req.RefreshFirst {
		// A refresh task whose URLs are neither preheated nor failed is
		// followed again: its end releases their preheats.
		for _, id := range r.out.refreshTasksPending() {
			r.isRefresh[id], r.round[id] = true, r.out.refreshRoundOf(id)
			r.follow = append(r.follow, id)
		}
	}
	if req.Wait {
		for _, id := range r.out.TaskIDs {
			if r.out.taskDone(id) {
				r.queueRetries(id)
			}
		}
		r.queueRefreshRetries()
	}
	r.report()
	if !req.Wait {
		return r.createThenLook(ctx)
	}
	return r.createAndWait(ctx, clk)
}

// roundOf is the retry round taskID was created in, as its URLs' attempts
// tell it: 0 for a first send (and for an asset's task).
func (o PreheatOutcome) roundOf(taskID string) int {
	round := 0
	for _, r := range o.Results {
		if r.TaskID == taskID {
			round = max(round, r.Attempts-1)
		}
	}
	return round
}

// Remaining sums up what Resume would do with o: the URLs and assets it
// would send (NotSent), the tasks it would wait for (not known to have
// ended), and the failed URLs it would send again with retryFailed rounds.
// It sends nothing.
type Remaining struct {
	NotSentURLs, NotSentAssets int
	Unfinished                 int
	Retries                    int
}

// Nothing reports whether Resume would send no request.
func (r Remaining) Nothing() bool {
	return r.NotSentURLs == 0 && r.NotSentAssets == 0 && r.Unfinished == 0 && r.Retries == 0
}

// Remaining is what Resume with retryFailed rounds would do with o.
func (o PreheatOutcome) Remaining(retryFailed int) Remaining {
	var rem Remaining
	for _, spec := range o.NotSent {
		rem.NotSentURLs += len(spec.URLs)
		if spec.AssetID != "" {
			rem.NotSentAssets++
		}
	}
	for _, id := range o.TaskIDs {
		if !o.taskDone(id) {
			rem.Unfinished++
		}
	}
	rem.Unfinished += len(o.refreshTasksPending())
	for _, res := range o.Results {
		switch {
		case res.refreshFailed():
			if res.RefreshAttempts-1 < retryFailed {
				rem.Retries++ // refreshed again, then preheated
			}
		case res.TaskID != "" && (isStatus(res.Status, StatusFailed) || res.Status == StatusNotListed) &&
			res.Attempts-1 < retryFailed && o.taskDone(res.TaskID):
			rem.Retries++
		}
	}
	return rem
}

// Adopt rebuilds the outcome of a preheat of specs from the tasks an
// earlier run created (in creation order, as OnTaskCreated told them) but
// could not save, as when its process was killed. Resume then carries on
// without creating any of them again.
func Adopt(specs []TaskSpec, created []CreatedTask) PreheatOutcome {
	return AdoptInto(PreheatOutcome{NotSent: slices.Clone(specs)}, created)
}

// AdoptInto adds to o the tasks of created it does not hold yet: a
// first-round task takes the first spec of o.NotSent equal to its own (that
// spec is sent no more), a retry takes over its URLs' entries.
func AdoptInto(o PreheatOutcome, created []CreatedTask) PreheatOutcome {
	o = o.clone()
	o.alignTasks()
	for _, c := range created {
		if slices.Contains(o.TaskIDs, c.TaskID) {
			continue
		}
		o.TaskIDs = append(o.TaskIDs, c.TaskID)
		o.Tasks = append(o.Tasks, Task{ID: c.TaskID})
		if c.Round > 0 {
			for _, u := range c.Spec.URLs {
				for i := len(o.Results) - 1; i >= 0; i-- {
					if o.Results[i].URL == u {
						o.Results[i] = URLResult{URL: u, TaskID: c.TaskID, Attempts: c.Round + 1}
						break
					}
				}
			}
			continue
		}
		if i := slices.IndexFunc(o.NotSent, func(s TaskSpec) bool { return sameSpec(s, c.Spec) }); i >= 0 {
			o.NotSent = slices.Delete(o.NotSent, i, i+1)
		} else {
			o.NotSent = withoutURLs(o.NotSent, c.Spec.URLs) // a refresh first's preheat: part of a spec
		}
		for _, u := range c.Spec.URLs {
			o.Results = append(o.Results, URLResult{URL: u, TaskID: c.TaskID, Attempts: 1})
		}
	}
	if len(o.NotSent) == 0 {
		o.NotSent = nil
	}
	return o
}

func sameSpec(a, b TaskSpec) bool {
	return a.AssetID == b.AssetID && slices.Equal(a.URLs, b.URLs)
}

// urlsOf is the URLs of o's results last sent in (or listed by) taskID.
func (o PreheatOutcome) urlsOf(taskID string) []string {
	var urls []string
	for _, res := range o.Results {
		if res.TaskID == taskID {
			urls = append(urls, res.URL)
		}
	}
	return urls
}

// refreshTasksPending is the refresh tasks (refresh first) some URL of
// which is neither preheated nor failed: a stop came before their end
// released the preheats.
func (o PreheatOutcome) refreshTasksPending() []string {
	var ids []string
	for _, res := range o.Results {
		if res.RefreshTaskID != "" && res.TaskID == "" && !isStatus(res.Status, StatusFailed) && !slices.Contains(ids, res.RefreshTaskID) {
			ids = append(ids, res.RefreshTaskID)
		}
	}
	return ids
}

// refreshRoundOf is the round refresh task taskID was created in.
func (o PreheatOutcome) refreshRoundOf(taskID string) int {
	round := 0
	for _, r := range o.Results {
		if r.RefreshTaskID == taskID {
			round = max(round, r.RefreshAttempts-1)
		}
	}
	return round
}

// withoutURLs is specs without urls; a spec left with neither URL nor
// asset goes.
func withoutURLs(specs []TaskSpec, urls []string) []TaskSpec {
	var out []TaskSpec
	for _, s := range specs {
		s.URLs = slices.DeleteFunc(slices.Clone(s.URLs), func(u string) bool { return slices.Contains(urls, u) })
		if len(s.URLs) > 0 || s.AssetID != "" {
			out = append(out, s)
		}
	}
	return out
}

// refreshFailed reports a URL whose refresh (refresh first) failed, so that
// it was never preheated.
func (r URLResult) refreshFailed() bool {
	return r.TaskID == "" && r.RefreshTaskID != "" && isStatus(r.Status, StatusFailed)
}

// queueRefreshRetries queues, in a resumed run, a refresh again for the URLs
// whose refresh failed and that have rounds left; their end releases the
// preheats as in the first run.
func (r *preheatRun) queueRefreshRetries() {
	byRound := map[int][]int{}
	var rounds []int
	for i, res := range r.out.Results {
		if res.refreshFailed() && res.RefreshAttempts-1 < r.req.RetryFailed {
			if _, ok := byRound[res.RefreshAttempts]; !ok {
				rounds = append(rounds, res.RefreshAttempts)
			}
			byRound[res.RefreshAttempts] = append(byRound[res.RefreshAttempts], i)
		}
	}
	if len(rounds) > 0 && r.refresh == nil {
		r.refresh, r.isRefresh, r.refreshSpec = refreshAPI{r.c}, map[string]bool{}, map[string]TaskSpec{}
	}
	for _, round := range rounds {
		r.queueURLs(byRound[round], queuedSpec{refresh: true, round: round})
	}
}
