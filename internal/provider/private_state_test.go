package provider

// Unit tests of private_state.go: what each key holds, written and read back.

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// An update after an import drops what it gave a value, and only that:
// an argument set in a later apply is still adopted in place.
func TestRecordAdoptedKeepsWhatIsStillUnset(t *testing.T) {
	ctx := context.Background()
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"urls": tftypes.String, "triggers": tftypes.String, "poll_interval": tftypes.String}}
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"urls": schema.StringAttribute{Optional: true}, "triggers": schema.StringAttribute{Optional: true}, "poll_interval": schema.StringAttribute{Optional: true},
	}}
	plan := func(urls, triggers any) tfsdk.Plan {
		return tfsdk.Plan{Schema: s, Raw: tftypes.NewValue(objectType, map[string]tftypes.Value{
			"urls": tftypes.NewValue(tftypes.String, urls), "triggers": tftypes.NewValue(tftypes.String, triggers),
			"poll_interval": tftypes.NewValue(tftypes.String, "5s")})}
	}
	private := fakePrivate{}
	if diags := markImported(ctx, private, "urls", "triggers"); diags.HasError() {
		t.Fatal(diags)
	}
	for _, step := range []struct {
		plan tfsdk.Plan
		want []string
	}{
		{plan(nil, nil), []string{"urls", "triggers"}}, // poll_interval changed: nothing adopted
		{plan("https://cdn.example.com/a.ts", nil), []string{"triggers"}},
		{plan("https://cdn.example.com/a.ts", "v1"), nil},
	} {
		if diags := recordAdopted(ctx, step.plan, private); diags.HasError() {
			t.Fatal(diags)
		}
		got, _ := toAdopt(ctx, private)
		if !slices.Equal(got, step.want) {
			t.Fatalf("still to adopt %v, want %v", got, step.want)
		}
	}
	if _, ok := private[importedKey]; ok {
		t.Errorf("the key stays after everything was adopted: %v", private)
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
