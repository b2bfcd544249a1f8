package vod

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func TestAPIErrorRetryableGoesByErrorCodeThenStatus(t *testing.T) {
	for _, tc := range []struct {
		status    int
		code      string
		retryable bool
	}{
		{403, "VOD.10051", true}, // VOD's system errors come as 403
		{403, "VOD.10052", true},
		{400, "VOD.10051", true},
		{500, "VOD.10051", true},
		{403, "APIGW.0302", false},
		{403, "VOD.10074", false},
		{401, "APIGW.0301", false},
		{400, "VOD.10053", false},
		{429, "APIGW.0308", true},
		{503, "", true},
	} {
		e := &APIError{HTTPStatus: tc.status, ErrorCode: tc.code}
		if got := e.Retryable(); got != tc.retryable {
			t.Errorf("HTTP %d %s: Retryable() = %v, want %v", tc.status, tc.code, got, tc.retryable)
		}
	}
}

func TestAPIErrorHintFollowsErrorCodeFirst(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     APIError
		want    string
		notWant string
	}{
		{"403 VOD.10051 query", APIError{Method: "GET", HTTPStatus: 403, ErrorCode: "VOD.10051"},
			"A query is retried", "IAM permissions"},
		{"403 VOD.10052 create", APIError{Method: "POST", HTTPStatus: 403, ErrorCode: "VOD.10052"},
			"A create is not retried: VOD may have created the task", "IAM permissions"},
		{"403 gateway refusal", APIError{Method: "GET", HTTPStatus: 403, ErrorCode: "APIGW.0302"}, "IAM permissions", ""},
		{"400 VOD.10074 no permission", APIError{Method: "GET", HTTPStatus: 400, ErrorCode: "VOD.10074"}, "IAM permissions", ""},
		{"400 VOD.10062 no resource", APIError{Method: "GET", HTTPStatus: 400, ErrorCode: "VOD.10062"}, "check asset_id", ""},
		{"403 VOD.10062 no resource", APIError{Method: "GET", HTTPStatus: 403, ErrorCode: "VOD.10062"}, "check asset_id", "IAM permissions"},
		{"401 lockout", APIError{Method: "GET", HTTPStatus: 401, ErrorCode: "APIGW.0301",
			ErrorMsg: "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden."},
			"has locked this access key for 5 minutes", ""},
		{"401 bad signature", APIError{Method: "GET", HTTPStatus: 401, ErrorCode: "APIGW.0301",
			ErrorMsg: "Incorrect IAM authentication information: verify aksk signature fail"}, "Check access_key, secret_key", "has locked"},
		{"429 code without the usual status", APIError{Method: "GET", HTTPStatus: 403, ErrorCode: "APIG.0308"}, "throttling", "IAM permissions"},
		{"429 daily limit", APIError{Method: "POST", HTTPStatus: 429, ErrorCode: "APIGW.0308",
			ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:1000,time:1 day"},
			"daily limit for this tenant is used up", "max_requests_per_second"},
		{"429 per-minute limit", APIError{Method: "POST", HTTPStatus: 429, ErrorCode: "APIGW.0308",
			ErrorMsg: "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute"},
			"max_requests_per_second", "daily"},
		{"unknown code, status decides", APIError{Method: "GET", HTTPStatus: 404, ErrorCode: "XYZ.1"}, "check endpoint (or region)", ""},
	} {
		got := tc.err.Error()
		if !strings.Contains(got, tc.want) || (tc.notWant != "" && strings.Contains(got, tc.notWant)) {
			t.Errorf("%s: %q: want %q and not %q", tc.name, got, tc.want, tc.notWant)
		}
	}
}

// A 403 VOD.10051 on a query is retried (a create is sent once:
// TestCreatePreheatingIsNotRetriedOnServerError).
func TestSystemErrorAs403IsRetriedOnQueries(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2 })
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	h.emu.InjectFaults(1, emulator.FaultJSON(http.StatusForbidden, "VOD.10051", "System error."))
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatalf("a query after one 403 VOD.10051: %v", err)
	}
	if n := h.emu.RequestCount(); n != 2 {
		t.Fatalf("the query was sent %d times, want 2 (one retry)", n)
	}
}

func TestTransportErrorNeverConnectedOnlyBeforeAConnection(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{"name not found", &net.DNSError{Err: "no such host", Name: "vod.nowhere.example", IsNotFound: true}, true},
		{"reset while reading", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, false},
		{"lost answer", io.ErrUnexpectedEOF, false},
	} {
		if got := (&TransportError{Err: tc.err}).NeverConnected(); got != tc.want {
			t.Errorf("%s: NeverConnected = %v, want %v", tc.name, got, tc.want)
		}
	}
}
