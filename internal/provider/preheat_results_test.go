package provider

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestNewPreheatResults(t *testing.T) {
	task := vod.Task{ID: "t1", Results: []vod.URLStatus{
		{URL: "https://cdn.example.com/a.mp4", Status: "succeed"},
		{URL: "https://cdn.example.com/b.mp4", Status: "failed"},
		{URL: "https://cdn.example.com/c.mp4", Status: "processing"},
		{URL: "https://cdn.example.com/d.mp4", Status: "queued"},
	}}
	got, diags := newPreheatResults(task)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got.Total != types.Int64Value(4) || got.Succeed != types.Int64Value(1) || got.Failed != types.Int64Value(1) ||
		got.Processing != types.Int64Value(1) || got.Completed != types.BoolValue(false) || got.AllSucceeded != types.BoolValue(false) {
		t.Errorf("counts = %+v", got)
	}
	if n := len(got.PreheatingResults.Elements()); n != 4 {
		t.Errorf("%d results, want 4", n)
	}
	empty, _ := newPreheatResults(vod.Task{ID: "t2"})
	if empty.PreheatingResults.IsNull() || empty.Total != types.Int64Value(0) || empty.Completed != types.BoolValue(false) {
		t.Errorf("an empty task must give an empty, known list and zero counts: %+v", empty)
	}
}

// resultNames are the results every entry point with preheating_results has.
var resultNames = []string{"preheating_results", "total", "processing", "succeed", "failed", "completed", "all_succeeded"}

// describedAttribute is what a reader and Terraform see of an attribute,
// whichever schema package declared it.
type describedAttribute interface {
	GetType() attr.Type
	GetMarkdownDescription() string
	IsComputed() bool
	IsOptional() bool
}

// describe writes an attribute, and its nested attributes, as comparable text.
func describe(a describedAttribute) string {
	text := fmt.Sprintf("%s computed=%v optional=%v %q", a.GetType(), a.IsComputed(), a.IsOptional(), a.GetMarkdownDescription())
	nested := map[string]describedAttribute{}
	switch list := a.(type) {
	case schema.ListNestedAttribute:
		for name, n := range list.NestedObject.Attributes {
			nested[name] = n
		}
	case dsschema.ListNestedAttribute:
		for name, n := range list.NestedObject.Attributes {
			nested[name] = n
		}
	}
	names := make([]string, 0, len(nested))
	for name := range nested {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		text += "\n  " + name + ": " + describe(nested[name])
	}
	return text
}

// TestOneResultsSchema checks that every data source and resource that has
// results describes them the same way (vod_refresh_result's list is
// refresh_results, of the same shape).
func TestOneResultsSchema(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	schemas := map[string]map[string]describedAttribute{}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "vod"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		attributes := map[string]describedAttribute{}
		for name, a := range resp.Schema.Attributes {
			attributes[name] = a
		}
		schemas["data."+meta.TypeName] = attributes
	}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "vod"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		attributes := map[string]describedAttribute{}
		for name, a := range resp.Schema.Attributes {
			attributes[name] = a
		}
		schemas[meta.TypeName] = attributes
	}
	want := map[string]string{}
	for _, name := range resultNames {
		want[name] = describe(schemas["data.vod_preheating_result"][name])
	}
	checked := 0
	for entry, attributes := range schemas {
		if _, ok := attributes["total"]; !ok {
			continue
		}
		checked++
		for _, name := range resultNames {
			if name == "preheating_results" && entry == "data.vod_refresh_result" {
				continue // a refresh task's results, checked below
			}
			a, ok := attributes[name]
			if !ok {
				t.Errorf("%s has no %s", entry, name)
				continue
			}
			if got := describe(a); got != want[name] {
				t.Errorf("%s.%s differs from vod_preheating_result's:\n got %s\nwant %s", entry, name, got, want[name])
			}
		}
		// refresh_results, where there are any, have the same shape.
		if a, ok := attributes["refresh_results"]; ok {
			if got, want := a.GetType(), schemas["data.vod_preheating_result"]["preheating_results"].GetType(); !got.Equal(want) {
				t.Errorf("%s.refresh_results is %s, want %s", entry, got, want)
			}
		}
	}
	if checked < 4 {
		t.Errorf("checked %d entry points with results, want both data sources and both resources", checked)
	}
}
