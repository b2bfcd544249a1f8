package provider

import (
	"testing"

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
