package vod

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// The gateway's error bodies carry request_id; when a proxy drops the
// X-Request-Id header, the error shows the body's.
func TestErrorShowsTheBodysRequestIDWithoutTheHeader(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 0 })
	h.emu.InjectFaults(1, emulator.Fault{Status: http.StatusServiceUnavailable, NoRequestIDHeader: true})
	_, err := h.client.QueryPreheating(context.Background(), testTask)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.RequestID != "" {
		t.Fatalf("err = %v, want an APIError without a header request id", err)
	}
	recorded := h.emu.Requests()[0].RequestID
	want := regexp.MustCompile(`request_id ` + recorded + ` \(from the body; no X-Request-Id header\)`)
	if !want.MatchString(err.Error()) || apiErr.BodyRequestID != recorded {
		t.Fatalf("error %q does not show the body's request_id %s", err, recorded)
	}
	// With the header, the header's is shown as before.
	h.emu.InjectFaults(1, emulator.Fault{Status: http.StatusServiceUnavailable})
	_, err = h.client.QueryPreheating(context.Background(), testTask)
	if !requestIDPattern.MatchString(err.Error()) {
		t.Fatalf("error %q lacks the X-Request-Id", err)
	}
}
