package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validateList(value types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range taskURLsValidators() {
		var resp validator.ListResponse
		v.ValidateList(context.Background(), validator.ListRequest{Path: path.Root("urls"), ConfigValue: value}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

func TestURLsValidators(t *testing.T) {
	list := func(urls ...string) types.List {
		v, _ := types.ListValueFrom(context.Background(), types.StringType, append([]string{}, urls...))
		return v
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "https://cdn.example.com/" + strings.Repeat("x", i+1)
	}
	for name, tc := range map[string]struct {
		value types.List
		ok    bool
	}{
		"one":       {list("https://cdn.example.com/a.mp4"), true},
		"ten":       {list(eleven[:10]...), true},
		"eleven":    {list(eleven...), false},
		"empty":     {list(), false},
		"duplicate": {list("https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4"), false},
		"null list": {types.ListNull(types.StringType), true},
	} {
		if diags := validateList(tc.value); diags.HasError() == tc.ok {
			t.Errorf("%s: valid = %v, want %v (%v)", name, !diags.HasError(), tc.ok, diags)
		}
	}
}

func TestUniqueStringsValidatorNamesPositions(t *testing.T) {
	list, _ := types.ListValueFrom(context.Background(), types.StringType, []string{"a", "b", "a", "c", "b", "a"})
	var resp validator.ListResponse
	uniqueStringsValidator{what: "URL"}.ValidateList(context.Background(), validator.ListRequest{Path: path.Root("urls"), ConfigValue: list}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("duplicates accepted")
	}
	if detail := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(detail, `"a" at positions 1, 3, 6; "b" at positions 2, 5`) {
		t.Errorf("detail %q does not name the positions", detail)
	}
}

func TestTaskURLsOverTenNameTheBatch(t *testing.T) {
	urls := make([]string, 11)
	for i := range urls {
		urls[i] = "https://cdn.example.com/" + strings.Repeat("y", i+1)
	}
	list, _ := types.ListValueFrom(context.Background(), types.StringType, urls)
	diags := validateList(list)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "use vod_preheating_batch") {
		t.Fatalf("want an error naming vod_preheating_batch, got %v", diags)
	}
}

// TestURLsSpelledTwoWaysAreDuplicates: two spellings of one URL (as a CDN
// matches them) are one URL, refused as a repeat.
func TestURLsSpelledTwoWaysAreDuplicates(t *testing.T) {
	list, _ := types.ListValueFrom(context.Background(), types.StringType,
		[]string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/a.mp4/", "https://CDN.example.com:443/%61.mp4"})
	diags := validateList(list)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `"https://cdn.example.com/a.mp4" at positions 1, 3`) {
		t.Fatalf("want positions 1 and 3 named (a trailing slash is another URL), got %v", diags)
	}
}
