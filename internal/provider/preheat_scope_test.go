package provider

// Unit tests of preheat_scope.go: a task leaves the state on a not-found
// answer only when the scope that created it asks.

import (
	"strings"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestNotFoundDecision(t *testing.T) {
	here := taskScope{Endpoint: "https://vod.cn-north-4.myhuaweicloud.com", Region: "cn-north-4", Project: "p1"}
	elsewhere := func(change func(*taskScope)) taskScope {
		s := here
		change(&s)
		return s
	}
	for name, tc := range map[string]struct {
		recorded taskScope
		known    bool
		remove   bool
		why      []string
	}{
		"no scope recorded":  {why: []string{"does not record which endpoint and project created it", "terraform state rm"}},
		"another endpoint":   {recorded: elsewhere(func(s *taskScope) { s.Endpoint = "https://vod.example.com" }), known: true},
		"another project":    {recorded: elsewhere(func(s *taskScope) { s.Project = "name:staging" }), known: true},
		"another region":     {recorded: elsewhere(func(s *taskScope) { s.Region = "ap-southeast-1" }), known: true},
		"the creating scope": {recorded: here, known: true, remove: true},
	} {
		remove, why := notFoundDecision(tc.recorded, tc.known, here)
		if remove != tc.remove {
			t.Errorf("%s: remove = %v, want %v", name, remove, tc.remove)
		}
		wants := tc.why
		if tc.known && !tc.remove {
			// Both scopes are named, so that the user sees which setting differs.
			wants = []string{"It was created at " + tc.recorded.String(), "but the provider now calls " + here.String(), "kept in state"}
		}
		for _, want := range wants {
			if !strings.Contains(why, want) {
				t.Errorf("%s: why %q lacks %q", name, why, want)
			}
		}
		if tc.remove && why != "" {
			t.Errorf("%s: a removal explains %q", name, why)
		}
	}
}

func TestTaskScopeString(t *testing.T) {
	s := taskScope{Endpoint: "https://vod.example.com", Project: "p1"}
	if got, want := s.String(), "endpoint https://vod.example.com, project p1"; got != want {
		t.Errorf("without region: %q, want %q", got, want)
	}
	s.Region = "cn-north-4"
	if got, want := s.String(), "endpoint https://vod.example.com, project p1, region cn-north-4"; got != want {
		t.Errorf("with region: %q, want %q", got, want)
	}
}

func TestNewTaskScope(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg    vod.Config
		region string
		want   taskScope
	}{
		"project ID": {cfg: vod.Config{Endpoint: "https://vod.example.com", ProjectID: "p1"}, region: "cn-north-4",
			want: taskScope{Endpoint: "https://vod.example.com", Region: "cn-north-4", Project: "p1"}},
		"project looked up by name": {cfg: vod.Config{Endpoint: "https://vod.example.com", ProjectLookup: vod.ProjectLookup{Name: "cn-north-4_prod"}},
			want: taskScope{Endpoint: "https://vod.example.com", Project: "name:cn-north-4_prod"}},
		// Normalised as the client does, so that a trailing slash is the same scope.
		"trailing slashes": {cfg: vod.Config{Endpoint: "https://vod.example.com//", ProjectID: "p1"},
			want: taskScope{Endpoint: "https://vod.example.com", Project: "p1"}},
		"an endpoint the client refuses is kept as given": {cfg: vod.Config{Endpoint: "vod.example.com/x", ProjectID: "p1"},
			want: taskScope{Endpoint: "vod.example.com/x", Project: "p1"}},
	} {
		if got := newTaskScope(tc.cfg, tc.region); got != tc.want {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}
