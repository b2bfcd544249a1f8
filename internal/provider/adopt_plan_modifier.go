package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// importedKey marks, in a resource's private state, a task adopted by import
// whose creating arguments are not known yet.
const importedKey = "imported"

// privateGetter is the part of private state that plan modifiers can read.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

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
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func (replaceUnlessAdopted) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func (replaceUnlessAdopted) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	resp.RequiresReplace, resp.Diagnostics = requiresReplace(ctx, req.State, req.Plan, req.StateValue, req.PlanValue, req.Private)
}

func requiresReplace(ctx context.Context, state tfsdk.State, plan tfsdk.Plan, stateValue, planValue attr.Value, private privateGetter) (bool, diag.Diagnostics) {
	if state.Raw.IsNull() || plan.Raw.IsNull() || stateValue.Equal(planValue) {
		return false, nil // create, destroy, or no change
	}
	if !stateValue.IsNull() {
		return true, nil
	}
	imported, diags := private.GetKey(ctx, importedKey)
	return string(imported) != "true", diags
}
