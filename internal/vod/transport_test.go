package vod

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

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

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingClient is a client of endpoint with MaxRetries 3 whose sleeps
// are skipped; it counts the attempts its log sees.
func countingClient(t *testing.T, endpoint string, attempts *int) *Client {
	t.Helper()
	client, err := New(Config{Endpoint: endpoint, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRetries: 3,
		Logger: func(context.Context, CallLog) { *attempts++ }})
	if err != nil {
		t.Fatal(err)
	}
	client.sleep = func(context.Context, time.Duration) error { return nil }
	for _, l := range client.limiters {
		l.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	return client
}

// An HTTPS request answered in plain HTTP (the endpoint's scheme or port is
// wrong) is sent once, and the error names the scheme and host.
func TestHTTPSAnsweredInPlainHTTPIsNotRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	var attempts int
	_, err := countingClient(t, "https://"+host, &attempts).QueryPreheating(context.Background(), testTask)
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || attempts != 1 {
		t.Fatalf("err = %v after %d attempts, want one TransportError", err, attempts)
	}
	for _, want := range []string{"GET https://" + host + "/v1.0/", "the server answered in plain HTTP, not HTTPS", "not retried", "Check endpoint (or region)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A host that does not exist is final; a refused connection is retried.
// Both name the scheme and host and point at the endpoint.
func TestNetworkErrorsNameTheHostAndRetryOnlyWhatCanChange(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		attempts int
		want     string
	}{
		{"host not found", &net.DNSError{Err: "no such host", Name: "vod.nowhere.example", IsNotFound: true}, 1, "host not found"},
		{"DNS server timed out", &net.DNSError{Err: "i/o timeout", Name: "vod.nowhere.example", IsTimeout: true}, 4, "gave up after 4 attempts"},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, 4, "gave up after 4 attempts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts int
			client := countingClient(t, "https://vod.nowhere.example", &attempts)
			client.transport = roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, tc.err })
			_, err := client.QueryPreheating(context.Background(), testTask)
			if attempts != tc.attempts {
				t.Errorf("%d attempts, want %d: %v", attempts, tc.attempts, err)
			}
			for _, want := range []string{tc.want, "GET https://vod.nowhere.example/v1.0/", "Check endpoint (or region)"} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v lacks %q", err, want)
				}
			}
		})
	}
}
