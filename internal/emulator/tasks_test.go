package emulator

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFlakyURLFailsOnlyTheFirstTime checks the preheat count is kept per URL
// across tasks, asset tasks included, while "fail" URLs always fail.
func TestFlakyURLFailsOnlyTheFirstTime(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ProcessingTime = -1 })
	body := `{"urls":["https://cdn.example.com/flaky-a.mp4","https://cdn.example.com/fail-b.mp4","https://cdn.example.com/c.mp4"]}`
	first := h.create(t, body).taskID(t)
	second := h.create(t, body).taskID(t)
	if got := statuses(h.query(t, first).results(t)); !slices.Equal(got, []string{"failed", "failed", "succeed"}) {
		t.Fatalf("first preheat: %v", got)
	}
	if got := statuses(h.query(t, second).results(t)); !slices.Equal(got, []string{"succeed", "failed", "succeed"}) {
		t.Fatalf("second preheat: %v, want the flaky URL to succeed", got)
	}
	// The first task's answer does not change when the URL is sent again.
	if got := statuses(h.query(t, first).results(t)); got[0] != "failed" {
		t.Fatalf("first task after the second was created: %v", got)
	}
	if n := h.srv.PreheatCount("https://cdn.example.com/flaky-a.mp4"); n != 2 {
		t.Fatalf("PreheatCount = %d, want 2", n)
	}

	asset := h.create(t, `{"asset_id":"flaky-asset"}`).taskID(t)
	results := h.query(t, asset).results(t)
	if len(results) == 0 || slices.ContainsFunc(results, func(r URLSeed) bool { return r.Status != StatusFailed }) {
		t.Fatalf("an asset's flaky URLs the first time: %v", results)
	}
	again := `{"urls":["` + results[0].URL + `"]}`
	if got := statuses(h.query(t, h.create(t, again).taskID(t)).results(t)); !slices.Equal(got, []string{"succeed"}) {
		t.Fatalf("an asset's flaky URL sent again: %v", got)
	}
}

// TestFlakyURLFailsAtTheEndOfProcessing checks a flaky URL is processing
// first, like any other, and fails only when it ends.
func TestFlakyURLFailsAtTheEndOfProcessing(t *testing.T) {
	h := newHarness(t, nil)
	id := h.create(t, `{"urls":["https://cdn.example.com/flaky.mp4"]}`).taskID(t)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"processing"}) {
		t.Fatalf("at once: %v", got)
	}
	h.clock.Advance(10 * time.Second)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"failed"}) {
		t.Fatalf("after the processing time: %v", got)
	}
}

// TestUppercaseStatus checks the option spells the documented statuses as
// the SDKs' enums do, on the wire only, and leaves other statuses alone.
func TestUppercaseStatus(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.UppercaseStatus = true })
	id := h.create(t, `{"urls":["https://cdn.example.com/a.mp4","https://cdn.example.com/fail-b.mp4"]}`).taskID(t)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"PROCESSING", "PROCESSING"}) {
		t.Fatalf("at once: %v", got)
	}
	h.clock.Advance(10 * time.Second)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"SUCCEED", "FAILED"}) {
		t.Fatalf("ended: %v", got)
	}
	h.srv.SeedTask("seeded", []URLSeed{{URL: "https://cdn.example.com/q.mp4", Status: "queued"}, {URL: "https://cdn.example.com/s.mp4", Status: "succeed"}})
	if got := statuses(h.query(t, "seeded").results(t)); !slices.Equal(got, []string{"queued", "SUCCEED"}) {
		t.Fatalf("seeded: %v", got)
	}
	// The emulator's own view stays lowercase.
	if got, _ := h.srv.TaskStatus(id); strings.ToLower(got[1].Status) != got[1].Status {
		t.Fatalf("TaskStatus = %v", got)
	}
}

// An asset with URLs preheats both, as VOD documents: the listed URLs, then
// the asset's playback URLs.
func TestCreateTaskWithAssetAndURLsPreheatsBoth(t *testing.T) {
	s := New(Config{ProcessingTime: time.Hour})
	listed := []string{"https://cdn.example.com/a.mp4"}
	id := s.CreateTask("a1", listed)
	seeds, ok := s.TaskStatus(id)
	if !ok {
		t.Fatal("task not found")
	}
	var got []string
	for _, seed := range seeds {
		got = append(got, seed.URL)
	}
	if want := append(slices.Clone(listed), assetURLs("a1")...); !slices.Equal(got, want) {
		t.Fatalf("task URLs %v, want %v", got, want)
	}
	if len(listed) != 1 {
		t.Errorf("CreateTask changed the caller's slice: %v", listed)
	}
}
