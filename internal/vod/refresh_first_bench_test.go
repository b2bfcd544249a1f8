package vod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// BenchmarkRefreshFirstBatch200URLs10Assets is issue 24's bench case: the
// batch of BenchmarkPreheatBatch200URLs10Assets with refresh first, against
// an emulator at Huawei's quotas (10 preheat creates, 100 queries and 100
// refreshes a minute), every task taking 20 s, in real time. 30 refresh
// tasks go out at once; each releases its preheat when it ends, so the
// preheats start 20 s in and the preheat create window sets the rest: the
// floor is one refresh, two full preheat create windows and one preheat,
// 160 s. Pipelined well, the refreshes cost one task's duration, not a
// window. One iteration takes about three minutes: run it with -benchtime 1x.
func BenchmarkRefreshFirstBatch200URLs10Assets(b *testing.B) {
	for b.Loop() {
		quota := emulator.HuaweiQuota
		quota.CreatesPerDay, quota.RefreshesPerDay = 0, 0
		emu := emulator.New(emulator.Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject,
			ProcessingTime: batchTaskDuration, Quota: quota})
		srv := httptest.NewServer(emu)
		client, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRetries: 6})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		started := time.Now()
		out, err := client.Preheat(ctx, PreheatRequest{Tasks: SplitTasks(numberedURLs("release", 200), assetIDs(10)), Wait: true, RefreshFirst: true})
		wall := time.Since(started)
		cancel()
		srv.Close()
		if err != nil {
			b.Fatalf("after %s: %v", wall.Round(time.Second), err)
		}
		if !out.AllSucceeded() || len(out.RefreshTaskIDs) != 30 || len(out.TaskIDs) != 30 || len(out.Results) != 220 {
			b.Fatalf("%d refresh tasks, %d preheat tasks, %d results, counts %+v", len(out.RefreshTaskIDs), len(out.TaskIDs), len(out.Results), out.Counts())
		}
		counts := map[string]int{}
		for _, r := range emu.Requests() {
			api := "preheat "
			if strings.HasSuffix(r.Path, "/asset/refresh") {
				api = "refresh "
			}
			counts[api+r.Method]++
		}
		floor := batchTaskDuration + 2*time.Minute + batchTaskDuration
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(counts["refresh "+http.MethodPost]), "refresh-creates")
		b.ReportMetric(float64(counts["refresh "+http.MethodGet]), "refresh-queries")
		b.ReportMetric(float64(counts["preheat "+http.MethodPost]), "creates")
		b.ReportMetric(float64(counts["preheat "+http.MethodGet]), "queries")
		b.ReportMetric(float64(emu.Throttled()), "throttled")
	}
}
