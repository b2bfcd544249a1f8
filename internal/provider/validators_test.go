package provider

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func validateString(v validator.String, value types.String) string {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}, &resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	return resp.Diagnostics[0].Detail()
}

func TestTaskIDValidator(t *testing.T) {
	for value, want := range map[string]string{
		"5199337c31c8e4622f1590735b13a263":   "",
		"":                                   "task_id is empty",
		"5199337c 31c8":                      "has whitespace (U+0020) at position 9",
		"5199337c\t":                         "has a control character (U+0009) at position 9",
		"abc\u00a0":                          "has whitespace (U+00A0) at position 4",
		"task-id_with.punctuation~and/slash": "",
	} {
		if got := validateString(taskIDValidator{}, types.StringValue(value)); !strings.Contains(got, want) || (want == "" && got != "") {
			t.Errorf("task_id %q: got %q, want it to contain %q", value, got, want)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		if got := validateString(taskIDValidator{}, v); got != "" {
			t.Errorf("%v: got %q; null and unknown values are checked later", v, got)
		}
	}
}

func TestPollIntervalValidator(t *testing.T) {
	for value, ok := range map[string]bool{"5s": true, "200ms": true, "100ms": true, "1m30s": true, "99ms": false, "0s": false, "-5s": false,
		// Not durations: the timetypes.GoDuration type reports them, once.
		"5": true, "five seconds": true} {
		if got := validateString(pollIntervalValidator{}, types.StringValue(value)); (got == "") != ok {
			t.Errorf("poll_interval %q: got %q, want valid=%v", value, got, ok)
		}
	}
}

// TestPreheatURLValidator is the one test of URL checking: each case goes
// through the element validator alone, for its message, and through the
// urls list's validators, as the resource and the action use them.
func TestPreheatURLValidator(t *testing.T) {
	for value, want := range map[string]string{
		"https://cdn.example.com/a.mp4":           "",
		"http://cdn.example.com/v/index.m3u8?x=1": "",
		"https://cdn.example.com/a%20b.mp4":       "",
		"cdn.example.com/a.mp4":                   "is not an absolute http:// or https:// URL",
		"/a.mp4":                                  "is not an absolute http:// or https:// URL",
		"ftp://cdn.example.com/a.mp4":             "is not an absolute http:// or https:// URL",
		"https:///a.mp4":                          "has no host",
		" https://cdn.example.com/a.mp4":          "has a space at position 1",
		"https://cdn.example.com/a b.mp4":         "has a space at position 26 (write it as %20)",
		"https://cdn.example.com/a\tb.mp4":        "control character (U+0009) at position 26",
		"":                                        "is empty",
		"https://cdn.example.com/%zz":             `has an invalid percent-escape "%zz"`,
		"https://cdn.example.com/%ZZ.mp4":         `has an invalid percent-escape "%ZZ"`,
	} {
		got := validateString(preheatURLValidator{}, types.StringValue(value))
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("url %q: got %q, want it to contain %q", value, got, want)
		}
		listValue, _ := types.ListValueFrom(context.Background(), types.StringType, []string{value})
		if diags := validateList(listValue); diags.HasError() != (want != "") {
			t.Errorf("url %q through the urls validators: %v, want an error: %v", value, diags, want != "")
		}
	}
	if got := validateString(preheatURLValidator{}, types.StringNull()); !strings.Contains(got, "null element") {
		t.Errorf("null url: got %q", got)
	}
}

func TestLogCallWritesFields(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	logCall(ctx, vod.CallLog{Method: "GET", Path: "/v1.0/p/asset/preheating", Query: "task_id=t", Attempt: 2, Status: 429,
		Duration: 15 * time.Millisecond, RequestID: "abc"})
	logCall(ctx, vod.CallLog{Method: "GET", Path: "/v1.0/p/asset/preheating", Attempt: 1, Err: errors.New("connection refused")})
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d log entries: %v", len(entries), entries)
	}
	first := entries[0]
	if first["status"] != float64(429) || first["request_id"] != "abc" || first["attempt"] != float64(2) || first["duration_ms"] != float64(15) || first["@level"] != "debug" {
		t.Errorf("first entry = %v", first)
	}
	if entries[1]["@level"] != "warn" || entries[1]["error"] != "connection refused" {
		t.Errorf("second entry = %v", entries[1])
	}
}

func TestPositiveDurationValidator(t *testing.T) {
	for value, ok := range map[string]bool{"10m": true, "1ns": true, "0s": false, "-5m": false, "soon": true /* the type reports it */} {
		if got := validateString(positiveDurationValidator{}, types.StringValue(value)); (got == "") != ok {
			t.Errorf("timeout %q: got %q, want valid=%v", value, got, ok)
		}
	}
}

// FuzzTaskIDValidator: a value passes exactly when it is non-empty and has no
// whitespace or control character, and a refusal names task_id.
func FuzzTaskIDValidator(f *testing.F) {
	for _, seed := range []string{"5199337c31c8e4622f1590735b13a263", "", " x", "x\u0007", "a\u00a0b", "日本", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got := validateString(taskIDValidator{}, types.StringValue(value))
		valid := value != "" && !strings.ContainsFunc(value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
		if (got == "") != valid || (got != "" && !strings.Contains(got, "task_id")) {
			t.Fatalf("task_id %q: got %q, want valid=%v", value, got, valid)
		}
	})
}

// FuzzPollIntervalValidator: poll_interval's type (timetypes.GoDuration) and
// validator together accept a value exactly when it is a Go duration of at
// least minPollInterval; the validator's refusal names poll_interval.
func FuzzPollIntervalValidator(f *testing.F) {
	for _, seed := range []string{"5s", "100ms", "99ms", "1m30s", "-5s", "5", "five", "9223372036854775807ns", "1e3s", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		var typeResp xattr.ValidateAttributeResponse
		timetypes.GoDuration{StringValue: types.StringValue(value)}.ValidateAttribute(context.Background(),
			xattr.ValidateAttributeRequest{Path: path.Root("poll_interval")}, &typeResp)
		got := validateString(pollIntervalValidator{}, types.StringValue(value))
		d, err := time.ParseDuration(value)
		valid := err == nil && d >= minPollInterval
		if refused := typeResp.Diagnostics.HasError() || got != ""; refused == valid || (got != "" && !strings.Contains(got, "poll_interval")) {
			t.Fatalf("poll_interval %q: type %v, validator %q; want valid=%v", value, typeResp.Diagnostics, got, valid)
		}
	})
}
