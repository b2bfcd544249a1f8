package provider

// The private-state entries that change behaviour, each under its key:
//   - "imported" (importedKey): the creating arguments of an imported task
//     not yet given a value; setting each once adopts it without a new
//     preheat (replaceUnlessAdopted, adopt_plan_modifier.go).
//   - "scope" (scopeKey): the endpoint and project that created the task; a
//     not-found answer removes the task from state only from that same
//     scope (readNotFound, preheat_scope.go).
// Nothing else is kept in private state.

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// scopeKey holds a taskScope in a resource's private state.
const scopeKey = "scope"

// importedKey lists, in a resource's private state, the creating arguments
// of an imported task that have not been given a value yet (a JSON array of
// attribute names): each may be set once without starting a new preheat.
const importedKey = "imported"

// privateSetter is the part of private state that Update and ImportState write.
type privateSetter interface {
	privateGetter
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// markImported records that the named arguments are still to be adopted.
func markImported(ctx context.Context, private privateSetter, names ...string) diag.Diagnostics {
	raw, err := json.Marshal(names)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the import", err.Error())
		return diags
	}
	return private.SetKey(ctx, importedKey, raw)
}

// toAdopt reads the arguments still to be adopted; none when nothing was imported.
func toAdopt(ctx context.Context, private privateGetter) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, importedKey)
	var names []string
	if len(raw) == 0 || json.Unmarshal(raw, &names) != nil {
		return nil, diags
	}
	return names, diags
}

// recordAdopted drops, after an update, the arguments the plan gave a
// value: from now on a change of them starts a new preheat.
func recordAdopted(ctx context.Context, plan tfsdk.Plan, private privateSetter) diag.Diagnostics {
	names, diags := toAdopt(ctx, private)
	if len(names) == 0 {
		return diags
	}
	var left []string
	for _, name := range names {
		var value attr.Value
		diags.Append(plan.GetAttribute(ctx, path.Root(name), &value)...)
		if value == nil || value.IsNull() {
			left = append(left, name)
		}
	}
	if len(left) == 0 {
		return append(diags, private.SetKey(ctx, importedKey, nil)...)
	}
	return append(diags, markImported(ctx, private, left...)...)
}

// privateGetter is the part of private state that plan modifiers can read.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateState is the part of private state that Create, Read and
// ImportState write and read.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordScope writes the scope into private state.
func recordScope(ctx context.Context, private privateState, scope taskScope) diag.Diagnostics {
	raw, err := json.Marshal(scope)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the task's scope", err.Error())
		return diags
	}
	return private.SetKey(ctx, scopeKey, raw)
}

// recordedScope reads the scope back; ok is false when none was recorded.
func recordedScope(ctx context.Context, private privateGetter) (scope taskScope, ok bool, diags diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, scopeKey)
	if diags.HasError() || len(raw) == 0 {
		return taskScope{}, false, diags
	}
	if err := json.Unmarshal(raw, &scope); err != nil {
		return taskScope{}, false, diags
	}
	return scope, true, diags
}
