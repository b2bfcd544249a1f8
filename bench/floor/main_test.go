package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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

// BenchmarkPlanDataSource is the floor's side of the provider's benchmark of
// the same name: what one data source costs in a terraform plan, the calls
// ValidateDataResourceConfig and ReadDataSource through the protocol server.
func BenchmarkPlanDataSource(b *testing.B) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(floorProvider{})()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	empty := tftypes.NewValue(schemas.Provider.ValueType(), map[string]tftypes.Value{})
	providerConfig, err := tfprotov6.NewDynamicValue(schemas.Provider.ValueType(), empty)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &providerConfig}); err != nil {
		b.Fatal(err)
	}
	objectType := schemas.DataSourceSchemas["floor_preheating_result"].ValueType().(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	values["task_id"] = tftypes.NewValue(tftypes.String, "00000000000000000000000000000001")
	config, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, values))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		validated, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "floor_preheating_result", Config: &config})
		if err != nil || len(validated.Diagnostics) > 0 {
			b.Fatal(err, validated.Diagnostics)
		}
		read, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "floor_preheating_result", Config: &config})
		if err != nil || len(read.Diagnostics) > 0 {
			b.Fatal(err, read.Diagnostics)
		}
	}
}
