package vod

import (
	"context"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func TestPreheatSmoke(t *testing.T) {
	h := newHarness(t, emulator.Config{ProcessingTime: -1}, nil)
	urls := make([]string, 23)
	for i := range urls {
		urls[i] = sprintf("https://cdn.example.com/%02d.mp4", i)
	}
	out, err := h.client.preheat(context.Background(), PreheatRequest{Tasks: SplitTasks(urls, []string{"a1"}), Wait: true, PollInterval: time.Millisecond}, realClock)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TaskIDs) != 4 || len(out.Results) != 25 || !out.AllSucceeded() {
		t.Fatalf("%+v", out)
	}
}
