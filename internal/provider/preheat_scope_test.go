package provider

// Unit tests of preheat_scope.go: a task leaves the state on a not-found
// answer only when the scope that created it asks.

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// mapPrivate is a private state held in a map.
type mapPrivate struct {
	keys   map[string][]byte
	getErr string // when set, GetKey fails with this summary
}

func (p *mapPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	if p.getErr != "" {
		diags.AddError(p.getErr, "")
		return nil, diags
	}
	return p.keys[key], diags
}

func (p *mapPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if p.keys == nil {
		p.keys = map[string][]byte{}
	}
	p.keys[key] = value
	return nil
}

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

func TestRecordedScopeReadsWhatRecordScopeWrote(t *testing.T) {
	ctx := context.Background()
	private := &mapPrivate{}
	scope := taskScope{Endpoint: "https://vod.example.com", Region: "cn-north-4", Project: "name:prod"}
	if diags := recordScope(ctx, private, scope); diags.HasError() {
		t.Fatal(diags)
	}
	got, ok, diags := recordedScope(ctx, private)
	if !ok || diags.HasError() || got != scope {
		t.Fatalf("read back %+v, ok %v, %v; want %+v", got, ok, diags, scope)
	}
	if raw := string(private.keys[scopeKey]); raw != `{"endpoint":"https://vod.example.com","region":"cn-north-4","project":"name:prod"}` {
		t.Errorf("recorded %s", raw)
	}
}

func TestRecordedScopeIsUnknownWhenNoneCanBeRead(t *testing.T) {
	ctx := context.Background()
	for name, private := range map[string]*mapPrivate{
		"nothing recorded": {},
		"empty":            {keys: map[string][]byte{scopeKey: {}}},
		"garbage JSON":     {keys: map[string][]byte{scopeKey: []byte(`{"endpoint":`)}},
		"not an object":    {keys: map[string][]byte{scopeKey: []byte(`["https://vod.example.com"]`)}},
	} {
		got, ok, diags := recordedScope(ctx, private)
		if ok || got != (taskScope{}) || len(diags) != 0 {
			t.Errorf("%s: %+v, ok %v, %v; want nothing and no diagnostics", name, got, ok, diags)
		}
	}
	_, ok, diags := recordedScope(ctx, &mapPrivate{getErr: "private state unreadable", keys: map[string][]byte{scopeKey: []byte(`{}`)}})
	if ok || !diags.HasError() || diags[0].Summary() != "private state unreadable" {
		t.Errorf("a failing GetKey: ok %v, %v; want its diagnostics", ok, diags)
	}
}
