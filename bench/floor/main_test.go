package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestReadReturnsTheConstantShape checks the floor reads like
// vod_preheating_result: two URLs and their counts, the task_id kept.
func TestReadReturnsTheConstantShape(t *testing.T) {
	ctx := context.Background()
	ds := resultDataSource{}
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	objectType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	values["task_id"] = tftypes.NewValue(tftypes.String, "t1")
	config := tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: config}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got resultModel
	resp.Diagnostics.Append(resp.State.Get(ctx, &got)...)
	if resp.Diagnostics.HasError() || got.TaskID.ValueString() != "t1" || got.Total.ValueInt64() != 2 ||
		got.Succeed.ValueInt64() != 2 || len(got.PreheatingResults) != 2 {
		t.Fatalf("state %+v (%v)", got, resp.Diagnostics)
	}
}
