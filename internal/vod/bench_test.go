package vod

import (
	"context"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// BenchmarkQueryOneURL measures one signed query over a kept-alive
// connection, the SDK client built per attempt included.
func BenchmarkQueryOneURL(b *testing.B) {
	h := newHarness(b, emulator.Config{}, nil)
	h.client.cfg.Logger = nil
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.client.QueryPreheating(ctx, testTask); err != nil {
			b.Fatal(err)
		}
	}
}
