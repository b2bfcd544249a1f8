package provider

// Unit tests of the checks across arguments in preheat_plan_checks.go, run
// on configurations and plans built from the real schemas.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// actionConfig is a configuration of the vod_preheat action.
func actionConfig(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var resp action.SchemaResponse
	NewPreheatAction().(*preheatAction).Schema(ctx, action.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	typ := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	return tfsdk.Config{Schema: resp.Schema, Raw: objectOf(typ, values)}
}

// resourceSchema is a resource's schema and its Terraform type.
func resourceSchema(t *testing.T, r resource.Resource) (resource.SchemaResponse, tftypes.Object) {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp, resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
}

// batchConfig is a configuration of vod_preheating_batch.
func batchConfig(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	s, typ := resourceSchema(t, NewPreheatingBatchResource())
	return tfsdk.Config{Schema: s.Schema, Raw: objectOf(typ, values)}
}

func unknown(typ tftypes.Type) tftypes.Value { return tftypes.NewValue(typ, tftypes.UnknownValue) }

// numberedURLs is n distinct URLs.
func numberedURLs(n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://cdn.example.com/v/%04d.ts", i)
	}
	return urls
}

// wantOneError checks that diags hold exactly one error, on attribute at,
// with summary and a detail containing each of details.
func wantOneError(t *testing.T, diags diag.Diagnostics, at, summary string, details ...string) {
	t.Helper()
	if len(diags) != 1 || !diags.HasError() {
		t.Fatalf("want one error on %s, got %v", at, diags)
	}
	d := diags[0]
	if p, ok := d.(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root(at)) {
		t.Errorf("error %q is not on attribute %s", d.Summary(), at)
	}
	if d.Summary() != summary {
		t.Errorf("summary %q, want %q", d.Summary(), summary)
	}
	for _, want := range details {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail %q lacks %q", d.Detail(), want)
		}
	}
}

func TestCheckFailWithoutWaitingRefusesFailingWithoutAWait(t *testing.T) {
	var diags diag.Diagnostics
	checkFailWithoutWaiting(context.Background(), actionConfig(t, map[string]tftypes.Value{
		"wait_for_completion": tfBool(false), "fail_on_failed": tfBool(true)}), &diags)
	wantOneError(t, diags, "fail_on_failed", "fail_on_failed needs wait_for_completion",
		"fail_on_failed = true and wait_for_completion = false", "Set wait_for_completion = true")
}

func TestCheckFailWithoutWaitingAcceptsEveryOtherCombination(t *testing.T) {
	for name, values := range map[string]map[string]tftypes.Value{
		"waiting":          {"wait_for_completion": tfBool(true), "fail_on_failed": tfBool(true)},
		"wait unset":       {"fail_on_failed": tfBool(true)}, // unset means true
		"wait unknown":     {"wait_for_completion": unknown(tftypes.Bool), "fail_on_failed": tfBool(true)},
		"fail unknown":     {"wait_for_completion": tfBool(false), "fail_on_failed": unknown(tftypes.Bool)},
		"fail false":       {"wait_for_completion": tfBool(false), "fail_on_failed": tfBool(false)},
		"fail unset":       {"wait_for_completion": tfBool(false)},
		"neither is given": {},
	} {
		for kind, config := range map[string]tfsdk.Config{"action": actionConfig(t, values), "batch": batchConfig(t, values)} {
			var diags diag.Diagnostics
			checkFailWithoutWaiting(context.Background(), config, &diags)
			if len(diags) != 0 {
				t.Errorf("%s, %s: %v", kind, name, diags)
			}
		}
	}
}

func TestCheckRetryNeedsWaitingRefusesRetriesWithoutAWait(t *testing.T) {
	var diags diag.Diagnostics
	checkRetryNeedsWaiting(context.Background(), batchConfig(t, map[string]tftypes.Value{
		"wait_for_completion": tfBool(false), "retry_failed": tfInt(2)}), &diags)
	wantOneError(t, diags, "retry_failed", "retry_failed needs wait_for_completion",
		"retry_failed = 2 and wait_for_completion = false", "or retry_failed = 0")
}

func TestCheckRetryNeedsWaitingAcceptsEveryOtherCombination(t *testing.T) {
	for name, values := range map[string]map[string]tftypes.Value{
		"waiting":       {"wait_for_completion": tfBool(true), "retry_failed": tfInt(3)},
		"wait unset":    {"retry_failed": tfInt(3)},
		"wait unknown":  {"wait_for_completion": unknown(tftypes.Bool), "retry_failed": tfInt(3)},
		"retry 0":       {"wait_for_completion": tfBool(false), "retry_failed": tfInt(0)},
		"retry unset":   {"wait_for_completion": tfBool(false)},
		"retry unknown": {"wait_for_completion": tfBool(false), "retry_failed": unknown(tftypes.Number)},
	} {
		var diags diag.Diagnostics
		checkRetryNeedsWaiting(context.Background(), actionConfig(t, values), &diags)
		if len(diags) != 0 {
			t.Errorf("%s: %v", name, diags)
		}
	}
}

func TestCheckBatchArgumentsNeedsSomethingToPreheatOnlyInTheAction(t *testing.T) {
	for name, values := range map[string]map[string]tftypes.Value{
		"all unset":      {},
		"empty lists":    {"urls": tfStrings(), "asset_ids": tfStrings()},
		"empty asset_id": {"asset_id": tfString(""), "urls": tfStrings()},
	} {
		var diags diag.Diagnostics
		checkBatchArguments(context.Background(), actionConfig(t, values), true, &diags)
		wantOneError(t, diags, "urls", "Nothing to preheat",
			"urls, asset_ids and asset_id are all empty or unset: give at least one URL or asset ID.")

		// The batch checks this only when it plans a create (requireSomethingToPreheat).
		delete(values, "asset_id")
		diags = nil
		checkBatchArguments(context.Background(), batchConfig(t, values), false, &diags)
		if len(diags) != 0 {
			t.Errorf("batch, %s: %v", name, diags)
		}
	}
	var diags diag.Diagnostics
	checkBatchArguments(context.Background(), actionConfig(t, map[string]tftypes.Value{"asset_id": tfString("a1")}), true, &diags)
	if len(diags) != 0 {
		t.Errorf("asset_id alone is something to preheat: %v", diags)
	}
}

// The daily quota is 1000 preheats: 1000 URLs make 100 tasks, which ten
// rounds (the first and retry_failed = 9) just fit.
func TestCheckBatchArgumentsRefusesRunsPastTheDailyQuota(t *testing.T) {
	urls := tfStrings(numberedURLs(1000)...)
	check := func(config tfsdk.Config, withAssetID bool) diag.Diagnostics {
		var diags diag.Diagnostics
		checkBatchArguments(context.Background(), config, withAssetID, &diags)
		return diags
	}
	if diags := check(batchConfig(t, map[string]tftypes.Value{"urls": urls, "retry_failed": tfInt(9)}), false); len(diags) != 0 {
		t.Errorf("100 tasks, 10 rounds: exactly the quota, refused: %v", diags)
	}
	wantOneError(t, check(batchConfig(t, map[string]tftypes.Value{"urls": urls, "retry_failed": tfInt(10)}), false),
		"retry_failed", "More preheats than the daily quota",
		"This run makes 100 tasks (URLs in tasks of 10, one per asset); with retry_failed = 10 it could need up to 1100 preheats",
		"Huawei allows 1000 preheats per tenant per day")

	// The action's asset_id is one more task: 101 tasks × 10 rounds.
	wantOneError(t, check(actionConfig(t, map[string]tftypes.Value{"urls": urls, "asset_id": tfString("a1"), "retry_failed": tfInt(9)}), true),
		"retry_failed", "More preheats than the daily quota", "This run makes 101 tasks", "up to 1010 preheats")

	// Unset retry_failed is one round.
	ids := tfStrings(manyIDs(1001)...)
	wantOneError(t, check(batchConfig(t, map[string]tftypes.Value{"asset_ids": ids}), false),
		"retry_failed", "More preheats than the daily quota", "This run makes 1001 tasks", "with retry_failed = 0 it could need up to 1001 preheats")
}

func TestCheckBatchArgumentsSkipsUnknownValues(t *testing.T) {
	list := tftypes.List{ElementType: tftypes.String}
	oneUnknownURL := tftypes.NewValue(list, []tftypes.Value{tfString("https://cdn.example.com/a.ts"), unknown(tftypes.String)})
	overQuota := tfStrings(numberedURLs(1000)...) // 100 tasks, over the quota with retry_failed = 10
	for name, values := range map[string]map[string]tftypes.Value{
		"urls unknown":          {"urls": unknown(list), "retry_failed": tfInt(10)},
		"asset_ids unknown":     {"asset_ids": unknown(list)},
		"an unknown URL":        {"urls": oneUnknownURL, "asset_ids": overQuota, "retry_failed": tfInt(10)},
		"asset_id unknown":      {"asset_id": unknown(tftypes.String)},
		"retry_failed unknown":  {"asset_ids": tfStrings(manyIDs(1001)...), "retry_failed": unknown(tftypes.Number)},
		"unknown, nothing else": {"urls": unknown(list), "asset_ids": tfStrings()},
	} {
		var diags diag.Diagnostics
		checkBatchArguments(context.Background(), actionConfig(t, values), true, &diags)
		if len(diags) != 0 {
			t.Errorf("%s: %v", name, diags)
		}
	}
}

// modifyPlan is a ModifyPlan request and response for a resource, with
// plan and state built from values; nil values make a null object.
func modifyPlan(t *testing.T, r resource.Resource, plan, state map[string]tftypes.Value) (resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
	t.Helper()
	s, typ := resourceSchema(t, r)
	object := func(values map[string]tftypes.Value) tftypes.Value {
		if values == nil {
			return tftypes.NewValue(typ, nil)
		}
		return objectOf(typ, values)
	}
	req := resource.ModifyPlanRequest{
		Plan:   tfsdk.Plan{Schema: s.Schema, Raw: object(plan)},
		State:  tfsdk.State{Schema: s.Schema, Raw: object(state)},
		Config: tfsdk.Config{Schema: s.Schema, Raw: object(plan)},
	}
	return req, &resource.ModifyPlanResponse{Plan: req.Plan}
}

func TestPlanCreatesPreheatOnCreateAndReplaceOnly(t *testing.T) {
	existing := map[string]tftypes.Value{"id": tfString("t1")}
	for name, tc := range map[string]struct {
		plan, state map[string]tftypes.Value
		replace     bool
		want        bool
	}{
		"create":             {plan: map[string]tftypes.Value{}, want: true},
		"replace":            {plan: existing, state: existing, replace: true, want: true},
		"update in place":    {plan: existing, state: existing},
		"destroy":            {state: existing},
		"destroy, replacing": {state: existing, replace: true}, // a null plan is never a create
	} {
		req, resp := modifyPlan(t, NewPreheatingBatchResource(), tc.plan, tc.state)
		if tc.replace {
			resp.RequiresReplace = path.Paths{path.Root("urls")}
		}
		if got := planCreatesPreheat(req, resp); got != tc.want {
			t.Errorf("%s: planCreatesPreheat = %v, want %v", name, got, tc.want)
		}
	}
}

func TestRequireSomethingToPreheat(t *testing.T) {
	const summary, detail = "Nothing here", "Give urls or asset_ids."
	existing := map[string]tftypes.Value{"id": tfString("t1")}
	list := tftypes.List{ElementType: tftypes.String}
	for name, tc := range map[string]struct {
		plan, state map[string]tftypes.Value
		replace     bool
		wantError   bool
	}{
		"create with urls":          {plan: map[string]tftypes.Value{"urls": tfStrings("https://cdn.example.com/a.ts")}},
		"create with asset_ids":     {plan: map[string]tftypes.Value{"asset_ids": tfStrings("a1")}},
		"create, urls unknown":      {plan: map[string]tftypes.Value{"urls": unknown(list)}},
		"create with nothing":       {plan: map[string]tftypes.Value{}, wantError: true},
		"create with empty lists":   {plan: map[string]tftypes.Value{"urls": tfStrings(), "asset_ids": tfStrings()}, wantError: true},
		"replace with nothing":      {plan: existing, state: existing, replace: true, wantError: true},
		"imported, planned as is":   {plan: existing, state: existing},
		"destroy of an import":      {state: existing},
		"create, asset_ids unknown": {plan: map[string]tftypes.Value{"urls": tfStrings(), "asset_ids": unknown(list)}},
	} {
		req, resp := modifyPlan(t, NewPreheatingBatchResource(), tc.plan, tc.state)
		if tc.replace {
			resp.RequiresReplace = path.Paths{path.Root("triggers")}
		}
		requireSomethingToPreheat(context.Background(), req, resp, summary, detail, "urls", "asset_ids")
		switch {
		case tc.wantError:
			wantOneError(t, resp.Diagnostics, "urls", summary, detail)
		case len(resp.Diagnostics) != 0:
			t.Errorf("%s: %v", name, resp.Diagnostics)
		}
	}
}

// The task resource names a string attribute first: any value of it,
// even one a validator would refuse, is something to preheat here.
func TestRequireSomethingToPreheatTakesAStringAttribute(t *testing.T) {
	for name, tc := range map[string]struct {
		plan      map[string]tftypes.Value
		wantError bool
	}{
		"asset_id":         {plan: map[string]tftypes.Value{"asset_id": tfString("a1")}},
		"empty asset_id":   {plan: map[string]tftypes.Value{"asset_id": tfString("")}},
		"asset_id unknown": {plan: map[string]tftypes.Value{"asset_id": unknown(tftypes.String)}},
		"urls":             {plan: map[string]tftypes.Value{"urls": tfStrings("https://cdn.example.com/a.ts")}},
		"neither":          {plan: map[string]tftypes.Value{}, wantError: true},
	} {
		req, resp := modifyPlan(t, NewPreheatingTaskResource(), tc.plan, nil)
		requireSomethingToPreheat(context.Background(), req, resp, "Missing", "asset_id or urls", "asset_id", "urls")
		if got := resp.Diagnostics.HasError(); got != tc.wantError {
			t.Errorf("%s: error %v, want %v: %v", name, got, tc.wantError, resp.Diagnostics)
		}
		if tc.wantError {
			wantOneError(t, resp.Diagnostics, "asset_id", "Missing", "asset_id or urls")
		}
	}
}
