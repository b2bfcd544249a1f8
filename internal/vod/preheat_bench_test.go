package vod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// batchTaskDuration is how long each task of the batch benchmark takes.
const batchTaskDuration = 20 * time.Second

// BenchmarkPreheatBatch200URLs10Assets is issue 14's bench case: one batch
// of 200 URLs and 10 assets (30 tasks) against an emulator enforcing 10
// creates and 100 queries a minute, in real time (the client's pacing runs
// on the wall clock), each task taking 20 s. The floor is set by the create
// window: 10 tasks now, 10 after 60 s, 10 after 120 s, then one task's
// duration, 140 s. It reports the wall time, its ratio to the floor, and
// the requests sent. One iteration takes over two minutes: run it with
// -benchtime 1x.
//
// The quota's per-minute limits are whatever emulator.Quota models with its
// defaults: 60-second windows where Quota has a Window (0: a minute), token
// buckets before that (10 creates at once, then one every 6 s: the same
// floor).
func BenchmarkPreheatBatch200URLs10Assets(b *testing.B) {
	for b.Loop() {
		emu := emulator.New(emulator.Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject,
			ProcessingTime: batchTaskDuration, Quota: emulator.Quota{QueriesPerMinute: 100, CreatesPerMinute: 10}})
		srv := httptest.NewServer(emu)
		client, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRetries: 6})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		started := time.Now()
		out, err := client.Preheat(ctx, PreheatRequest{Tasks: SplitTasks(numberedURLs("release", 200), assetIDs(10)), Wait: true})
		wall := time.Since(started)
		cancel()
		srv.Close()
		if err != nil {
			b.Fatalf("after %s: %v", wall.Round(time.Second), err)
		}
		if !out.AllSucceeded() || len(out.TaskIDs) != 30 || len(out.Results) != 220 {
			b.Fatalf("%d tasks, %d results, counts %+v", len(out.TaskIDs), len(out.Results), out.Counts())
		}
		creates, queries := 0, 0
		for _, r := range emu.Requests() {
			switch r.Method {
			case http.MethodPost:
				creates++
			case http.MethodGet:
				queries++
			}
		}
		floor := 2*time.Minute + batchTaskDuration
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(creates), "creates")
		b.ReportMetric(float64(queries), "queries")
		b.ReportMetric(float64(emu.Throttled()), "throttled")
	}
}

func assetIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = sprintf("asset-%02d", i)
	}
	return ids
}
