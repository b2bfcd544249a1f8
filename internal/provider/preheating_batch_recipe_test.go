package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// releaseVars writes the whole-release recipe's variable: episodes ×
// renditions URLs, with one flaky rendition, and two assets.
func releaseVars(t *testing.T, dir, version string, episodes int) string {
	t.Helper()
	names := make([]string, episodes)
	for i := range names {
		names[i] = fmt.Sprintf("e%02d", i+1)
	}
	vars := map[string]any{"release": map[string]any{
		"version": version, "base_url": "https://cdn.example.com/season-2", "episodes": names,
		"renditions": []string{"index.m3u8", "1080p.m3u8", "720p-flaky.m3u8"}, "asset_ids": []string{"a1", "a2"},
	}}
	body, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "release-"+version+".tfvars.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The "preheat a whole release" recipe, applied as written: 8 episodes × 3
// renditions (one of them fails once) and 2 assets.
func TestAccRecipe_wholeRelease(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.5.0", emu.recipe(t, "whole-release"))
	vars := releaseVars(t, t.TempDir(), "2.0", 8)
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var-file="+vars)
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	// 24 URLs in 3 tasks and 2 asset tasks; each URL task's flaky URLs
	// (3, 3 and 2) are sent again in a task of their own once it ended.
	requireInOrder(t, out, "Apply complete! Resources: 1 added", `"succeed" = 28`, `"tasks" = 8`, `"total" = 28`)
	if n := emu.countRequests(http.MethodPost); n != 8 {
		t.Fatalf("%d creates, want 8", n)
	}
	// The same release again: nothing to do, and no request for the finished batch.
	before := emu.RequestCount()
	out, err = w.run("plan", "-detailed-exitcode", "-input=false", "-var-file="+vars)
	if err != nil || !strings.Contains(out, "No changes.") || emu.RequestCount() != before {
		t.Fatalf("a finished release must plan no change and send nothing (%d requests): %v\n%s", emu.RequestCount()-before, err, out)
	}
}
