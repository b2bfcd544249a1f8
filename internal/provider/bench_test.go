package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// BenchmarkReadAndStore10kURLs measures what a read of a 10,000-URL task
// costs the provider: the signed query to the emulator, decoding, and
// storing the result in Terraform state. Goal: under 500ms per op.
func BenchmarkReadAndStore10kURLs(b *testing.B) {
	ctx := context.Background()
	emu := emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID, ProcessingTime: -1})
	seeds := make([]emulator.URLSeed, 10000)
	for i := range seeds {
		seeds[i] = emulator.URLSeed{URL: fmt.Sprintf("https://cdn.example.com/vod/asset-%05d/index.m3u8", i)}
	}
	emu.SeedTask(testTaskID, seeds)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client, err := vod.New(vod.Config{Endpoint: srv.URL, ProjectID: testProjectID, AccessKey: testAccessKey, SecretKey: testSecretKey})
	if err != nil {
		b.Fatal(err)
	}
	ds := &preheatingResultDataSource{providerData{client: client}}
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	stateType := schemaResp.Schema.Type().TerraformType(ctx)

	b.ReportAllocs()
	cpuBefore := processCPU()
	defer func() {
		// CPU time is what a busy, shared machine leaves intact; it counts
		// the in-process emulator's work too, so it is an upper bound.
		b.ReportMetric(float64(processCPU()-cpuBefore)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}()
	for b.Loop() {
		task, err := client.QueryPreheating(ctx, testTaskID)
		if err != nil {
			b.Fatal(err)
		}
		var model preheatingResultModel
		model.TaskID = types.StringValue(testTaskID)
		model.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}
		var diags diag.Diagnostics
		model.ID = types.StringValue(task.ID)
		if model.preheatResults, diags = newPreheatResults(task); diags.HasError() {
			b.Fatal(diags)
		}
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(stateType, nil)}
		if diags := state.Set(ctx, &model); diags.HasError() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkProviderConfigure measures Configure, which Terraform runs each
// time it starts the provider: it must do no I/O.
func BenchmarkProviderConfigure(b *testing.B) {
	ctx := context.Background()
	p := New("bench")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	configType := schemaResp.Schema.Type().TerraformType(ctx)
	raw := tftypes.NewValue(configType, map[string]tftypes.Value{
		"region":         tftypes.NewValue(tftypes.String, "cn-north-4"),
		"project_id":     tftypes.NewValue(tftypes.String, testProjectID),
		"access_key":     tftypes.NewValue(tftypes.String, testAccessKey),
		"secret_key":     tftypes.NewValue(tftypes.String, testSecretKey),
		"security_token": tftypes.NewValue(tftypes.String, nil),
		"endpoint":       tftypes.NewValue(tftypes.String, nil),
		"insecure":       tftypes.NewValue(tftypes.Bool, nil),
		"max_retries":    tftypes.NewValue(tftypes.Number, nil),

		"max_requests_per_second": tftypes.NewValue(tftypes.Number, nil),

		"shared_config_file": tftypes.NewValue(tftypes.String, nil),
		"profile":            tftypes.NewValue(tftypes.String, nil),
		"project_name":       tftypes.NewValue(tftypes.String, nil),
		"iam_endpoint":       tftypes.NewValue(tftypes.String, nil),
		"signing_algorithm":  tftypes.NewValue(tftypes.String, nil),
		"cloud":              tftypes.NewValue(tftypes.String, nil),
		"request_timeout":    tftypes.NewValue(tftypes.String, nil),
	})
	req := provider.ConfigureRequest{TerraformVersion: "1.5.7", Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: raw}}
	b.ReportAllocs()
	for b.Loop() {
		var resp provider.ConfigureResponse
		p.Configure(ctx, req, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
}

// BenchmarkPlanDataSource measures what one vod_preheating_result costs the
// provider in a terraform plan: the two calls Terraform makes for it,
// ValidateDataResourceConfig and ReadDataSource, through the protocol server
// as gRPC hands them over, with the query to the in-process emulator.
func BenchmarkPlanDataSource(b *testing.B) {
	ctx := context.Background()
	emu := emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID, ProcessingTime: -1})
	emu.SeedTask(testTaskID, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}, {URL: "https://cdn.example.com/b.mp4", Status: "succeed"}})
	srv := httptest.NewServer(emu)
	defer srv.Close()

	server, err := providerserver.NewProtocol6WithError(New("bench")())()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	providerConfig := map[string]tftypes.Value{}
	for name, typ := range providerType.(tftypes.Object).AttributeTypes {
		providerConfig[name] = tftypes.NewValue(typ, nil)
	}
	providerConfig["endpoint"] = tftypes.NewValue(tftypes.String, srv.URL)
	providerConfig["project_id"] = tftypes.NewValue(tftypes.String, testProjectID)
	providerConfig["access_key"] = tftypes.NewValue(tftypes.String, testAccessKey)
	providerConfig["secret_key"] = tftypes.NewValue(tftypes.String, testSecretKey)
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamicValue(b, providerType, providerConfig)})
	if err != nil || len(configured.Diagnostics) > 0 {
		b.Fatal(err, configured.Diagnostics)
	}

	dsType := schemas.DataSourceSchemas["vod_preheating_result"].ValueType()
	dsConfig := map[string]tftypes.Value{}
	for name, typ := range dsType.(tftypes.Object).AttributeTypes {
		dsConfig[name] = tftypes.NewValue(typ, nil)
	}
	dsConfig["task_id"] = tftypes.NewValue(tftypes.String, testTaskID)
	config := dynamicValue(b, dsType, dsConfig)

	b.ReportAllocs()
	for b.Loop() {
		validated, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "vod_preheating_result", Config: config})
		if err != nil || len(validated.Diagnostics) > 0 {
			b.Fatal(err, validated.Diagnostics)
		}
		read, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "vod_preheating_result", Config: config})
		if err != nil || len(read.Diagnostics) > 0 {
			b.Fatal(err, read.Diagnostics)
		}
	}
}

func dynamicValue(b *testing.B, typ tftypes.Type, attributes map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	v, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attributes))
	if err != nil {
		b.Fatal(err)
	}
	return &v
}
