package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// replaceUnlessAdopted requires a replacement when the attribute changes,
// like RequiresReplace, except for the first value given to it after an
// import: the API does not return asset_id, urls or triggers, so they are
// null in an imported state, and writing them into the configuration then
// records them (an in-place update) instead of starting a new preheat.
type replaceUnlessAdopted struct{}

func (replaceUnlessAdopted) Description(context.Context) string {
	return "A change starts a new preheat, except when the value is set for the first time after an import."
}

func (m replaceUnlessAdopted) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (replaceUnlessAdopted) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.Path, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func (replaceUnlessAdopted) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.Path, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func (replaceUnlessAdopted) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.Path, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func requiresReplace(ctx context.Context, at path.Path, state tfsdk.State, plan tfsdk.Plan, stateValue, planValue attr.Value, private privateGetter) (bool, diag.Diagnostics) {
	if state.Raw.IsNull() || plan.Raw.IsNull() || stateValue.Equal(planValue) {
		return false, nil // create, destroy, or no change
	}
	if !stateValue.IsNull() {
		return true, nil
	}
	names, diags := toAdopt(ctx, private)
	return !slices.Contains(names, at.String()), diags
}

// sameElementsKeepState plans the state's list when the configuration
// lists the same values in another order: the order of URLs or assets
// sent in a preheat does not matter, so reordering them is not a change
// (Terraform accepts a planned value equal to the prior state's).
type sameElementsKeepState struct{}

func (sameElementsKeepState) Description(context.Context) string {
	return "The same values in another order are not a change."
}

func (m sameElementsKeepState) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (sameElementsKeepState) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if sameElements(req.StateValue, req.PlanValue) {
		resp.PlanValue = req.StateValue
	}
}

// sameElements reports whether two known lists hold the same values, each
// as often, in any order.
func sameElements(a, b types.List) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() || len(a.Elements()) != len(b.Elements()) {
		return false
	}
	counts := map[string]int{}
	for _, e := range a.Elements() {
		if e.IsUnknown() {
			return false
		}
		counts[e.String()]++
	}
	for _, e := range b.Elements() {
		if e.IsUnknown() || counts[e.String()] == 0 {
			return false
		}
		counts[e.String()]--
	}
	return true
}

// followsWaitForCompletion plans fail_on_failed, when it is not set, as
// wait_for_completion: failing on failed URLs needs the wait, and a
// setting that could only be ignored is never planned.
type followsWaitForCompletion struct{}

func (followsWaitForCompletion) Description(context.Context) string {
	return "Defaults to the value of wait_for_completion."
}

func (m followsWaitForCompletion) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (followsWaitForCompletion) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var wait types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	if wait.IsUnknown() {
		resp.PlanValue = types.BoolUnknown()
		return
	}
	resp.PlanValue = types.BoolValue(wait.IsNull() || wait.ValueBool())
}
