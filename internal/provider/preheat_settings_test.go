package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// TestBothResourcesShareTheSettings checks that vod_preheating_task and
// vod_preheating_batch declare the shared settings alike: same type, same
// flags, same defaults and plan modifiers (only descriptions may differ).
func TestBothResourcesShareTheSettings(t *testing.T) {
	ctx := context.Background()
	shape := func(r resource.Resource, name string) string {
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		a, ok := resp.Schema.Attributes[name]
		if !ok {
			return "missing"
		}
		text := fmt.Sprintf("%s optional=%v computed=%v", a.GetType(), a.IsOptional(), a.IsComputed())
		switch a := a.(type) {
		case schema.BoolAttribute:
			text += fmt.Sprintf(" default=%v modifiers=%T", a.Default != nil, a.PlanModifiers)
			for _, m := range a.PlanModifiers {
				text += fmt.Sprintf(" %T", m)
			}
		case schema.Int64Attribute:
			text += fmt.Sprintf(" default=%v validators=%d", a.Default != nil, len(a.Validators))
		case schema.MapAttribute:
			for _, m := range a.PlanModifiers {
				text += fmt.Sprintf(" %T", m)
			}
		case schema.StringAttribute:
			text += fmt.Sprintf(" custom=%T validators=%d", a.CustomType, len(a.Validators))
		case schema.ListAttribute:
			for _, m := range a.PlanModifiers {
				text += fmt.Sprintf(" %T", m)
			}
		}
		return text
	}
	for _, name := range []string{"triggers", "wait_for_completion", "fail_on_failed", "poll_interval", "retry_failed", "timeouts",
		"task_ids", "not_sent_urls", "not_sent_asset_ids"} {
		task, batch := shape(NewPreheatingTaskResource(), name), shape(NewPreheatingBatchResource(), name)
		if task == "missing" || task != batch {
			t.Errorf("%s: task %s, batch %s", name, task, batch)
		}
	}
}
