// Command floor is the benchmarks' reference: the least a terraform-plugin-
// framework provider can do. Its one data source, floor_preheating_result,
// has the shape of vod_preheating_result (a task_id in; two URLs with their
// status and the counts out) and returns constants without any I/O, so
// `terraform plan` against it measures Terraform and the framework alone.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}
func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (floorProvider) Resources(context.Context) []func() resource.Resource { return nil }
func (floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return resultDataSource{} }}
}

type urlStatus struct {
	URL    types.String `tfsdk:"url"`
	Status types.String `tfsdk:"status"`
}

type resultModel struct {
	TaskID            types.String `tfsdk:"task_id"`
	PreheatingResults []urlStatus  `tfsdk:"preheating_results"`
	Total             types.Int64  `tfsdk:"total"`
	Processing        types.Int64  `tfsdk:"processing"`
	Succeed           types.Int64  `tfsdk:"succeed"`
	Failed            types.Int64  `tfsdk:"failed"`
}

type resultDataSource struct{}

func (resultDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "floor_preheating_result"
}

func (resultDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"task_id": schema.StringAttribute{Required: true},
		"preheating_results": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{"url": schema.StringAttribute{Computed: true}, "status": schema.StringAttribute{Computed: true}},
		}},
		"total":      schema.Int64Attribute{Computed: true},
		"processing": schema.Int64Attribute{Computed: true},
		"succeed":    schema.Int64Attribute{Computed: true},
		"failed":     schema.Int64Attribute{Computed: true},
	}}
}

func (resultDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m resultModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	m.PreheatingResults = []urlStatus{
		{types.StringValue("https://cdn.example.com/a.mp4"), types.StringValue("succeed")},
		{types.StringValue("https://cdn.example.com/b.mp4"), types.StringValue("succeed")},
	}
	m.Total, m.Processing, m.Succeed, m.Failed = types.Int64Value(2), types.Int64Value(0), types.Int64Value(2), types.Int64Value(0)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/floor"})
	if err != nil {
		log.Fatal(err)
	}
}
