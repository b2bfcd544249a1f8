package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestRefreshKindRewordsTheSharedMessages(t *testing.T) {
	for in, want := range map[string]string{
		"Timed out waiting for the preheat task":                       "Timed out waiting for the refresh task",
		"Preheat failed":                                               "Refresh failed",
		"More preheats than the daily quota of 1000 preheats":          "More refreshes than the daily quota of 1000 refreshes",
		"read the results with the vod_preheating_result data source.": "read the results with the vod_refresh_result data source.",
		"check in the VOD console (CDN preheating) whether":            "check in the VOD console (CDN refresh) whether",
		"each is preheated once":                                       "each is refreshed once",
	} {
		if got := refreshKind.words(in); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
		if got := preheatKind.words(in); got != in {
			t.Errorf("the preheat kind changed %q to %q", in, got)
		}
	}
	var none *taskKind
	if got := none.words("preheat"); got != "preheat" || kindOr(none) != preheatKind {
		t.Fatalf("a nil kind is the preheat: %q, %v", got, kindOr(none).noun)
	}
}

func TestWordDiagnosticsKeepsPathsAndSeverities(t *testing.T) {
	in := diag.Diagnostics{
		diag.NewAttributeErrorDiagnostic(path.Root("urls"), "Nothing to preheat", "give a URL to preheat"),
		diag.NewAttributeWarningDiagnostic(path.Root("retry_failed"), "Preheat warning", "w"),
		diag.NewErrorDiagnostic("Preheat failed", "1 of 2 URLs of preheat task t"),
		diag.NewWarningDiagnostic("Cannot read a new preheat task yet", "x"),
	}
	out := refreshKind.wordDiagnostics(in)
	want := diag.Diagnostics{
		diag.NewAttributeErrorDiagnostic(path.Root("urls"), "Nothing to refresh", "give a URL to refresh"),
		diag.NewAttributeWarningDiagnostic(path.Root("retry_failed"), "Refresh warning", "w"),
		diag.NewErrorDiagnostic("Refresh failed", "1 of 2 URLs of refresh task t"),
		diag.NewWarningDiagnostic("Cannot read a new refresh task yet", "x"),
	}
	if !out.Equal(want) {
		t.Fatalf("got %v, want %v", out, want)
	}
	if !preheatKind.wordDiagnostics(in).Equal(in) {
		t.Fatal("the preheat kind changed its diagnostics")
	}
}
