package vod

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// CallLog describes one HTTP exchange. It deliberately has no headers or
// bodies, so credentials and signatures cannot reach a log through it.
type CallLog struct {
	Method    string
	Path      string
	Query     string
	Attempt   int
	Status    int // 0 when no response arrived
	Duration  time.Duration
	RequestID string
	Err       error // transport error, if any
}

// Logger receives one CallLog per HTTP exchange. The provider plugs tflog in
// here; the client itself knows nothing of Terraform.
type Logger func(ctx context.Context, call CallLog)

// attemptTransport binds one attempt's context to the SDK's request (the SDK
// builds requests without one) and records what came back, so that a
// cancelled read stops the request in flight and Retry-After is not lost.
type attemptTransport struct {
	ctx     context.Context
	base    http.RoundTripper
	attempt int
	log     Logger

	sent       bool
	method     string
	path       string
	status     int
	requestID  string
	retryAfter time.Duration
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.WithContext(t.ctx)
	t.sent, t.method, t.path = true, req.Method, req.URL.Path
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	call := CallLog{
		Method:   req.Method,
		Path:     req.URL.Path,
		Query:    req.URL.RawQuery,
		Attempt:  t.attempt,
		Duration: time.Since(start),
		Err:      err,
	}
	if resp != nil {
		t.status = resp.StatusCode
		t.requestID = resp.Header.Get("X-Request-Id")
		t.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		call.Status, call.RequestID = t.status, t.requestID
	}
	if t.log != nil {
		t.log(t.ctx, call)
	}
	return resp, err
}

// parseRetryAfter reads either form RFC 9110 allows: seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	if secs, err := strconv.Atoi(value); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
