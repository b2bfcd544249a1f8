package provider

import (
	"context"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestProgressLine(t *testing.T) {
	task := vod.Task{ID: "t1", Results: []vod.URLStatus{{Status: "succeed"}, {Status: "succeed"}, {Status: "processing"}, {Status: "queued"}}}
	if got, want := progressLine(task), "2/4 succeeded, 0 failed, 1 processing, 1 in another status"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
}

func TestProgressLoggerReportsOnlyChanges(t *testing.T) {
	var seen []vod.PreheatProgress
	logger := progressLogger{next: func(p vod.PreheatProgress) { seen = append(seen, p) }}
	first := vod.PreheatProgress{Total: 20, Processing: 20, Tasks: 1, NotCreated: 1}
	second := vod.PreheatProgress{Total: 20, Processing: 20, Tasks: 2}
	for _, p := range []vod.PreheatProgress{first, first, second, second, second} {
		logger.report(context.Background(), p)
	}
	if len(seen) != 2 || seen[0] != first || seen[1] != second {
		t.Fatalf("reported %v; want each change once", seen)
	}
}
