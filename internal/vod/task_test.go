package vod

import (
	"slices"
	"strings"
	"testing"
)

func taskOf(statuses ...string) Task {
	t := Task{ID: "t1"}
	for i, s := range statuses {
		t.Results = append(t.Results, URLStatus{URL: "https://cdn.example.com/" + string(rune('a'+i)) + ".mp4", Status: s})
	}
	return t
}

func TestTaskCompletion(t *testing.T) {
	cases := []struct {
		name                    string
		task                    Task
		completed, allSucceeded bool
		counts                  Counts
	}{
		{"empty list is not complete", taskOf(), false, false, Counts{}},
		{"processing", taskOf("processing", "succeed"), false, false, Counts{Total: 2, Processing: 1, Succeed: 1}},
		{"all succeed", taskOf("succeed", "succeed"), true, true, Counts{Total: 2, Succeed: 2}},
		{"mixed final", taskOf("succeed", "failed"), true, false, Counts{Total: 2, Succeed: 1, Failed: 1}},
		{"unknown status is not complete", taskOf("succeed", "queued"), false, false, Counts{Total: 2, Succeed: 1, Other: 1}},
		{"SDK enum spelling counts", taskOf("SUCCEED", "FAILED"), true, false, Counts{Total: 2, Succeed: 1, Failed: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.task.Completed(); got != tc.completed {
				t.Errorf("Completed() = %v, want %v", got, tc.completed)
			}
			if got := tc.task.AllSucceeded(); got != tc.allSucceeded {
				t.Errorf("AllSucceeded() = %v, want %v", got, tc.allSucceeded)
			}
			if got := tc.task.Counts(); got != tc.counts {
				t.Errorf("Counts() = %+v, want %+v", got, tc.counts)
			}
		})
	}
}

func TestTaskURLListsAndSummary(t *testing.T) {
	task := taskOf("failed", "processing", "queued", "failed", "succeed")
	if got := task.PendingURLs(1); len(got) != 1 || !strings.HasSuffix(got[0], "/b.mp4") {
		t.Errorf("PendingURLs(1) = %v", got)
	}
	if got := task.FailedURLs(10); len(got) != 2 || !strings.HasSuffix(got[1], "/d.mp4") {
		t.Errorf("FailedURLs(10) = %v", got)
	}
	want := "5 URLs: 1 processing, 1 succeed, 2 failed, 1 in another status"
	if got := task.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if got := taskOf().Summary(); got != "the task has no URLs yet" {
		t.Errorf("empty Summary() = %q", got)
	}
}

func TestDocumentedStatusSpellsTheDocumentedStatusesInLowerCase(t *testing.T) {
	for in, want := range map[string]string{
		"SUCCEED": "succeed", "Failed": "failed", "PROCESSING": "processing", "succeed": "succeed",
		"QUEUED": "QUEUED", "": "",
	} {
		if got := documentedStatus(in); got != want {
			t.Errorf("documentedStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTaskUnlistedAndExtra(t *testing.T) {
	task := Task{ID: "t1", Results: []URLStatus{
		{"https://CDN.example.com/a.mp4", "succeed"},
		{"https://cdn.example.com/b.mp4?x=1", "succeed"},
	}}
	sent := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"}
	if got := task.Unlisted(sent); !slices.Equal(got, []string{"https://cdn.example.com/b.mp4"}) {
		t.Errorf("Unlisted = %v", got)
	}
	if got := task.Extra(sent); !slices.Equal(got, []string{"https://cdn.example.com/b.mp4?x=1"}) {
		t.Errorf("Extra = %v", got)
	}
	if got := task.Unlisted(nil); got != nil {
		t.Errorf("Unlisted(nil) = %v: an asset's task lists its own URLs", got)
	}
}
