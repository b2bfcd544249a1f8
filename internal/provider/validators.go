package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// taskIDListValidator checks each task ID of a task_ids entry, which may
// be several separated by commas (a batch's id).
type taskIDListValidator struct{}

func (taskIDListValidator) Description(context.Context) string {
	return "each entry is a task ID, or task IDs separated by commas, without whitespace or control characters"
}

func (v taskIDListValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (taskIDListValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, id := range strings.Split(req.ConfigValue.ValueString(), ",") {
		taskIDValidator{}.ValidateString(ctx, validator.StringRequest{Path: req.Path, ConfigValue: types.StringValue(strings.TrimSpace(id))}, resp)
	}
}

// taskIDValidator rejects what cannot be a preheat task ID before any
// request is sent: an empty value, whitespace and control characters.
type taskIDValidator struct{}

func (taskIDValidator) Description(context.Context) string {
	return "must be a non-empty task ID without whitespace or control characters"
}

func (v taskIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (taskIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if value == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid task_id",
			"task_id is empty. Use the task_id returned when the preheat task was created, such as 5199337c31c8e4622f1590735b13a263.")
		return
	}
	for i, r := range []rune(value) {
		var problem string
		switch {
		case unicode.IsControl(r):
			problem = "a control character"
		case unicode.IsSpace(r):
			problem = "whitespace"
		default:
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid task_id",
			fmt.Sprintf("task_id %q has %s (%U) at position %d. A task ID has neither; "+
				"use the task_id returned when the preheat task was created, such as 5199337c31c8e4622f1590735b13a263.", value, problem, r, i+1))
		return
	}
}

// minPollInterval keeps a typo such as "1ns" from hammering the API.
const minPollInterval = 100 * time.Millisecond

// pollIntervalValidator enforces minPollInterval. The timetypes.GoDuration
// type already rejects what is not a duration, so this skips such values
// rather than report them twice.
type pollIntervalValidator struct{}

func (pollIntervalValidator) Description(context.Context) string {
	return fmt.Sprintf("must be at least %s", minPollInterval)
}

func (v pollIntervalValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (pollIntervalValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(raw); err == nil && d < minPollInterval {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid poll_interval",
			fmt.Sprintf("poll_interval is %q; it must be at least %s (such as \"5s\" or \"200ms\"), so that a typo cannot flood the API.", raw, minPollInterval))
	}
}

// preheatURLValidator accepts an absolute http(s) URL with a host, what VOD
// can preheat on a CDN.
type preheatURLValidator struct{}

func (preheatURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}

func (v preheatURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (preheatURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid urls", "urls has a null element; give each URL as a string.")
		return
	}
	raw := req.ConfigValue.ValueString()
	if problem := preheatURLProblem(raw); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid urls",
			fmt.Sprintf("%q %s. Give an absolute http:// or https:// URL with a host, such as \"https://cdn.example.com/video/index.m3u8\".", withoutUserInfo(raw), problem))
	}
}

// preheatURLProblem says what is wrong with raw as a URL to preheat, or ""
// when nothing is. Go's url.Parse accepts spaces in a path, and calls a bad
// percent-escape a parse error; the user needs either named.
func preheatURLProblem(raw string) string {
	if raw == "" {
		return "is empty"
	}
	for i, r := range []rune(raw) {
		switch {
		case r == ' ':
			return fmt.Sprintf("has a space at position %d (write it as %%20)", i+1)
		case unicode.IsControl(r), unicode.IsSpace(r):
			return fmt.Sprintf("has whitespace or a control character (%U) at position %d", r, i+1)
		}
	}
	u, err := url.Parse(raw)
	var escapeErr url.EscapeError
	switch {
	case errors.As(err, &escapeErr):
		return fmt.Sprintf("has an invalid percent-escape %q (a %% must be followed by two hex digits; write a literal %% as %%25)", string(escapeErr))
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an absolute http:// or https:// URL"
	case u.Host == "":
		return "has no host"
	case u.User != nil:
		return "carries user info (user:password@ before the host, shown here without it): it would be stored in state and logs; " +
			"a CDN URL to preheat has none"
	}
	return ""
}

// withoutUserInfo is raw with any user info (user:password@) cut out, so
// that no message repeats a password.
func withoutUserInfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// noSpaceRegexp matches a value without whitespace.
var noSpaceRegexp = regexp.MustCompile(`^\S+$`)

// positiveDurationValidator accepts a duration above zero. The
// timetypes.GoDuration type already rejects what is not a duration.
type positiveDurationValidator struct{}

func (positiveDurationValidator) Description(context.Context) string {
	return "must be a duration above zero"
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s is %q; it must be a duration above zero, such as \"10m\".", req.Path, req.ConfigValue.ValueString()))
	}
}
