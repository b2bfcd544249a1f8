package vod

import (
	"slices"
	"testing"
)

func TestOutcomeCountsAndCompletion(t *testing.T) {
	done := PreheatOutcome{
		TaskIDs: []string{"t1", "t2"},
		Results: []URLResult{{URL: "a", Status: "succeed", TaskID: "t1"}, {URL: "b", Status: "FAILED", TaskID: "t2"}},
	}
	if done.Counts() != (Counts{Total: 2, Succeed: 1, Failed: 1}) || !done.Completed() || done.AllSucceeded() {
		t.Fatalf("counts %+v, completed %v, all succeeded %v", done.Counts(), done.Completed(), done.AllSucceeded())
	}
	if got := done.FailedURLs(10); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("FailedURLs = %v", got)
	}
	for name, o := range map[string]PreheatOutcome{
		"a spec not sent":        {TaskIDs: done.TaskIDs, Results: done.Results, NotSent: []TaskSpec{{AssetID: "a1"}}},
		"a URL not answered yet": {TaskIDs: done.TaskIDs, Results: append(slices.Clone(done.Results), URLResult{URL: "c", TaskID: "t2"})},
		"a task with no results": {TaskIDs: append(slices.Clone(done.TaskIDs), "t3"), Results: done.Results},
		"a task last seen unfinished": {TaskIDs: done.TaskIDs, Results: done.Results,
			Tasks: []Task{{ID: "t1", Results: []URLStatus{{"a", "succeed"}, {"z", "processing"}}}}},
		"nothing": {},
	} {
		if o.Completed() || o.AllSucceeded() {
			t.Errorf("%s: complete", name)
		}
	}
}

// TestMergeUpdatesOwnEntriesAndSkipsURLsSentAgain checks an answer updates
// the URLs of its own task, adds those it lists for the first time (an
// asset's), and leaves alone a URL a later task carries now.
func TestMergeUpdatesOwnEntriesAndSkipsURLsSentAgain(t *testing.T) {
	o := PreheatOutcome{
		TaskIDs: []string{"asset", "retry"},
		Results: []URLResult{{URL: "a", Status: "", TaskID: "retry", Attempts: 2}},
	}
	o.alignTasks()
	o.merge(Task{ID: "asset", Results: []URLStatus{{"a", "failed"}, {"b", "succeed"}}}, false)
	o.merge(Task{ID: "retry", Results: []URLStatus{{"a", "processing"}}}, false)
	o.merge(Task{ID: "unknown", Results: []URLStatus{{"x", "succeed"}}}, false)
	want := []URLResult{{URL: "a", Status: "processing", TaskID: "retry", Attempts: 2}, {URL: "b", Status: "succeed", TaskID: "asset", Attempts: 1}}
	if !slices.Equal(o.Results, want) {
		t.Fatalf("results %+v, want %+v", o.Results, want)
	}
	if o.Tasks[0].ID != "asset" || len(o.Tasks[0].Results) != 2 || o.Tasks[1].ID != "retry" {
		t.Fatalf("tasks %+v", o.Tasks)
	}
}

func TestProgressString(t *testing.T) {
	p := PreheatProgress{Total: 230, Succeed: 120, Failed: 2, Processing: 108, Tasks: 30, NotCreated: 3}
	if got, want := p.String(), "120/230 URLs succeeded, 2 failed, 108 processing; 30 tasks, 3 not yet created"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	p.NotCreated, p.Tasks = 0, 1
	if got, want := p.String(), "120/230 URLs succeeded, 2 failed, 108 processing; 1 task"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}

// TestMergeMatchesRespellingsAndMarksUnlistedURLs checks an answer that
// spells a URL otherwise updates the entry under its sent spelling, and a
// final answer that does not list a URL makes it not_listed: ended, not a
// success.
func TestMergeMatchesRespellingsAndMarksUnlistedURLs(t *testing.T) {
	o := PreheatOutcome{
		TaskIDs: []string{"t1"},
		Results: []URLResult{
			{URL: "https://cdn.example.com/a.mp4", TaskID: "t1", Attempts: 1},
			{URL: "https://cdn.example.com/b.mp4", TaskID: "t1", Attempts: 1},
		},
	}
	o.alignTasks()
	answer := Task{ID: "t1", Results: []URLStatus{{"HTTPS://CDN.EXAMPLE.COM:443/%61.mp4", "succeed"}}}
	o.merge(answer, false)
	if o.Results[0].Status != StatusSucceed || o.Results[0].URL != "https://cdn.example.com/a.mp4" || o.Results[1].Status != "" || len(o.Results) != 2 {
		t.Fatalf("not final: %+v", o.Results)
	}
	o.merge(answer, true)
	if o.Results[1].Status != StatusNotListed {
		t.Fatalf("final: %+v, want b not_listed", o.Results)
	}
	if !o.Completed() || o.AllSucceeded() || o.Counts() != (Counts{Total: 2, Succeed: 1, Other: 1}) {
		t.Fatalf("completed %v, all succeeded %v, counts %+v", o.Completed(), o.AllSucceeded(), o.Counts())
	}
	o.ListedInstead = map[string][]string{"t1": {"https://cdn.example.com/b.mp4?x=1"}}
	got := o.NotListed(10)
	if len(got) != 1 || got[0].URL != "https://cdn.example.com/b.mp4" || got[0].TaskID != "t1" || !slices.Equal(got[0].Listed, []string{"https://cdn.example.com/b.mp4?x=1"}) {
		t.Fatalf("NotListed = %+v", got)
	}
	if p := o.progress(nil, 0); p.Processing != 0 || p.Succeed != 1 || p.Total != 2 {
		t.Fatalf("progress %+v: not_listed has ended, it is not processing", p)
	}
	if c := o.clone(); c.ListedInstead["t1"][0] != "https://cdn.example.com/b.mp4?x=1" {
		t.Fatalf("clone lost ListedInstead: %+v", c)
	}
}
