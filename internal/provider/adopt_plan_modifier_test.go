package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type fakePrivate map[string]string

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	if v, ok := p[key]; ok {
		return []byte(v), nil
	}
	return nil, nil
}

func TestRequiresReplace(t *testing.T) {
	ctx := context.Background()
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.String}}
	exists := tftypes.NewValue(objectType, map[string]tftypes.Value{"x": tftypes.NewValue(tftypes.String, nil)})
	absent := tftypes.NewValue(objectType, nil)
	imported := fakePrivate{importedKey: `["x"]`}
	otherImported := fakePrivate{importedKey: `["urls"]`}
	for _, tc := range []struct {
		name                string
		state, plan         tftypes.Value
		stateValue, planVal attr.Value
		private             fakePrivate
		want                bool
	}{
		{"create", absent, exists, types.StringNull(), types.StringValue("a"), nil, false},
		{"destroy", exists, absent, types.StringValue("a"), types.StringNull(), nil, false},
		{"no change", exists, exists, types.StringValue("a"), types.StringValue("a"), nil, false},
		{"change", exists, exists, types.StringValue("a"), types.StringValue("b"), imported, true},
		{"set after create", exists, exists, types.StringNull(), types.StringValue("b"), nil, true},
		{"set after import", exists, exists, types.StringNull(), types.StringValue("b"), imported, false},
		{"set after import, once adopted", exists, exists, types.StringNull(), types.StringValue("b"), otherImported, true},
		{"unset", exists, exists, types.StringValue("a"), types.StringNull(), imported, true},
	} {
		got, diags := requiresReplace(ctx, path.Root("x"), tfsdk.State{Raw: tc.state}, tfsdk.Plan{Raw: tc.plan}, tc.stateValue, tc.planVal, tc.private)
		if diags.HasError() || got != tc.want {
			t.Errorf("%s: requiresReplace = %v (%v), want %v", tc.name, got, diags, tc.want)
		}
	}
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if value == nil {
		delete(p, key)
	} else {
		p[key] = string(value)
	}
	return nil
}

func TestSameElements(t *testing.T) {
	list := func(values ...string) types.List {
		v, _ := types.ListValueFrom(context.Background(), types.StringType, values)
		return v
	}
	for _, tc := range []struct {
		a, b types.List
		want bool
	}{
		{list("a", "b"), list("b", "a"), true},
		{list("a", "b"), list("a", "b"), true},
		{list("a", "b"), list("a", "c"), false},
		{list("a", "b"), list("a"), false},
		{list("a", "a"), list("a", "b"), false},
		{types.ListNull(types.StringType), list(), false},
		{list("a"), types.ListUnknown(types.StringType), false},
	} {
		if got := sameElements(tc.a, tc.b); got != tc.want {
			t.Errorf("sameElements(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSameElementsKeepStatePlansTheState(t *testing.T) {
	ctx := context.Background()
	state, _ := types.ListValueFrom(ctx, types.StringType, []string{"a", "b"})
	reordered, _ := types.ListValueFrom(ctx, types.StringType, []string{"b", "a"})
	changed, _ := types.ListValueFrom(ctx, types.StringType, []string{"b", "c"})
	for _, tc := range []struct {
		plan, want types.List
	}{{reordered, state}, {changed, changed}} {
		resp := planmodifier.ListResponse{PlanValue: tc.plan}
		sameElementsKeepState{}.PlanModifyList(ctx, planmodifier.ListRequest{StateValue: state, PlanValue: tc.plan, ConfigValue: tc.plan}, &resp)
		if !resp.PlanValue.Equal(tc.want) {
			t.Errorf("plan %v: planned %v, want %v", tc.plan, resp.PlanValue, tc.want)
		}
	}
}
