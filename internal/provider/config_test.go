package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func providerSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

func TestSecondsText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		60 * time.Second:        "60s",
		time.Second:             "1s",
		90 * time.Second:        "90s",
		1500 * time.Millisecond: "1.5s",
	} {
		if got := secondsText(d); got != want {
			t.Errorf("secondsText(%s) = %q, want %q", d, got, want)
		}
	}
}

// The docs, README and CHANGELOG say `60s`; the schema must not say `1m0s`.
func TestProviderSchemaWritesDurationsAsUsersDo(t *testing.T) {
	s := providerSchema(t)
	doc := s.Attributes["request_timeout"].GetMarkdownDescription()
	for _, want := range []string{"defaults to `60s`", "At least `1s`"} {
		if !strings.Contains(doc, want) {
			t.Errorf("request_timeout description lacks %q: %s", want, doc)
		}
	}
	for name, attribute := range s.Attributes {
		if d := attribute.GetMarkdownDescription(); strings.Contains(d, "m0s") {
			t.Errorf("%s: description writes a duration the way Go prints it: %s", name, d)
		}
	}
}

func TestProviderSchemaRegionRequiredUnlessEndpoint(t *testing.T) {
	doc := providerSchema(t).Attributes["region"].GetMarkdownDescription()
	if !strings.Contains(doc, "Required unless `endpoint` is set") {
		t.Errorf("region description: %s", doc)
	}
}

// request_timeout is a duration type like every other duration attribute, and
// its value still comes from the block, then HW_VOD_REQUEST_TIMEOUT, then the default.
func TestRequestTimeoutIsADuration(t *testing.T) {
	clearProviderEnv(t)
	if _, ok := providerSchema(t).Attributes["request_timeout"].GetType().(timetypes.GoDurationType); !ok {
		t.Fatalf("request_timeout is a %T, not timetypes.GoDurationType", providerSchema(t).Attributes["request_timeout"].GetType())
	}
	resolve := func(model providerModel) time.Duration {
		t.Helper()
		var diags diag.Diagnostics
		s := resolveSettings(model, &diags)
		for _, d := range diags {
			if strings.Contains(d.Summary(), "request_timeout") {
				t.Fatalf("unexpected: %s: %s", d.Summary(), d.Detail())
			}
		}
		return s.requestTimeout
	}
	if got := resolve(providerModel{RequestTimeout: timetypes.NewGoDurationNull()}); got != DefaultRequestTimeout {
		t.Errorf("unset: %s, want %s", got, DefaultRequestTimeout)
	}
	t.Setenv("HW_VOD_REQUEST_TIMEOUT", "2m")
	if got := resolve(providerModel{RequestTimeout: timetypes.NewGoDurationNull()}); got != 2*time.Minute {
		t.Errorf("from the environment: %s, want 2m", got)
	}
	if got := resolve(providerModel{RequestTimeout: timetypes.NewGoDurationValueFromStringMust("90s")}); got != 90*time.Second {
		t.Errorf("from the block over the environment: %s, want 90s", got)
	}
}

// An empty string in the block counts as unset, as an empty environment
// variable does: access_key = var.ak with a default of "" uses HW_ACCESS_KEY.
func TestSettingLookupTakesTheEnvironmentForAnEmptyString(t *testing.T) {
	t.Setenv("HW_ACCESS_KEY", "ENVAK")
	var diags diag.Diagnostics
	for _, tc := range []struct {
		value types.String
		want  string
	}{
		{types.StringNull(), "ENVAK"},
		{types.StringValue(""), "ENVAK"},
		{types.StringValue("BLOCKAK"), "BLOCKAK"},
	} {
		got, ok := accessKeySetting.lookup(tc.value, tc.value.ValueString, &diags)
		if !ok || got != tc.want {
			t.Errorf("lookup(%s) = %q, %v; want %q", tc.value, got, ok, tc.want)
		}
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}

func TestJournalPathSettings(t *testing.T) {
	t.Setenv("HW_VOD_JOURNAL", "")
	t.Setenv("HW_VOD_JOURNAL_PATH", "")
	t.Setenv("TF_DATA_DIR", "")
	model := func(on types.Bool, path types.String) providerModel {
		return providerModel{Journal: on, JournalPath: path}
	}
	for _, tc := range []struct {
		name, env, envPath string
		model              providerModel
		want               string
	}{
		{"default", "", "", model(types.BoolNull(), types.StringNull()), defaultJournalPath()},
		{"off", "", "", model(types.BoolValue(false), types.StringValue("/x/j.json")), ""},
		{"off by environment", "false", "", model(types.BoolNull(), types.StringNull()), ""},
		{"moved", "", "", model(types.BoolNull(), types.StringValue("/x/j.json")), "/x/j.json"},
		{"moved by environment", "", "/y/j.json", model(types.BoolNull(), types.StringNull()), "/y/j.json"},
	} {
		t.Setenv("HW_VOD_JOURNAL", tc.env)
		t.Setenv("HW_VOD_JOURNAL_PATH", tc.envPath)
		var diags diag.Diagnostics
		if got := resolveJournalPath(tc.model, &diags); got != tc.want || diags.HasError() {
			t.Errorf("%s: %q (%v), want %q", tc.name, got, diags, tc.want)
		}
	}
	t.Setenv("HW_VOD_JOURNAL", "maybe")
	var diags diag.Diagnostics
	resolveJournalPath(model(types.BoolNull(), types.StringNull()), &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "HW_VOD_JOURNAL") {
		t.Fatalf("an invalid HW_VOD_JOURNAL: %v", diags)
	}
}
