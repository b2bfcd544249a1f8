package vod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
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

// MaxResponseBytes bounds an answer's body: a 10,000-URL task is about 1 MiB,
// so anything past this is not the API speaking, and is never held in memory.
const MaxResponseBytes = 32 << 20

// maxRetryAfter caps the server's Retry-After, so a huge value cannot
// overflow into a tiny pause.
const maxRetryAfter = 24 * time.Hour

// attemptTransport binds one attempt's context to the SDK's request (the SDK
// builds requests without one) and records what came back, so that a
// cancelled read stops the request in flight and Retry-After is not lost.
type attemptTransport struct {
	ctx      context.Context
	base     http.RoundTripper
	attempt  int
	log      Logger
	maxBytes int64

	sent        bool
	method      string
	scheme      string
	host        string
	path        string
	status      int
	requestID   string
	contentType string
	retryAfter  time.Duration
	clockSkew   time.Duration
	body        *boundedBody
}

// errorBodyKept is how much of an error answer is kept to find its
// request_id: the gateway's error bodies are a few hundred bytes.
const errorBodyKept = 16 << 10

// bodyRequestID is the "request_id" of an error body (the gateway puts it
// there), or "" when the body has none or was not read. The SDK's
// ServiceResponseError takes its RequestId from the X-Request-Id header only.
func (t *attemptTransport) bodyRequestID() string {
	if t.body == nil || len(t.body.kept) == 0 {
		return ""
	}
	var answer struct {
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(t.body.kept, &answer) != nil {
		return ""
	}
	return answer.RequestID
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.WithContext(t.ctx)
	t.sent, t.method, t.path = true, req.Method, req.URL.Path
	t.scheme, t.host = req.URL.Scheme, req.URL.Host
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
		now := time.Now()
		t.status = resp.StatusCode
		t.requestID = resp.Header.Get("X-Request-Id")
		t.contentType = resp.Header.Get("Content-Type")
		t.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
		if date, dateErr := http.ParseTime(resp.Header.Get("Date")); dateErr == nil {
			t.clockSkew = date.Sub(now)
		}
		limit := t.maxBytes
		if limit <= 0 {
			limit = MaxResponseBytes
		}
		t.body = &boundedBody{rc: resp.Body, limit: limit}
		if resp.StatusCode >= 300 {
			t.body.keep = errorBodyKept
		}
		resp.Body = t.body
		call.Status, call.RequestID = t.status, t.requestID
	}
	if t.log != nil {
		t.log(t.ctx, call)
	}
	return resp, err
}

// errBodyTooLarge ends the read of a body past the limit.
var errBodyTooLarge = errors.New("the body is larger than the limit")

// headBytes is how much of a body is kept for error messages.
const headBytes = 64

// boundedBody hands out at most limit bytes of a body, then fails, and
// remembers the first bytes and how reading ended.
type boundedBody struct {
	rc       io.ReadCloser
	limit    int64
	n        int64
	head     []byte
	keep     int    // for error answers: how much of the body to keep whole
	kept     []byte // the first keep bytes
	err      error  // the first read error other than io.EOF
	tooLarge bool
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.tooLarge {
		return 0, errBodyTooLarge
	}
	if room := b.limit + 1 - b.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.rc.Read(p)
	if b.n+int64(n) > b.limit {
		n = int(b.limit - b.n)
		b.tooLarge, err = true, errBodyTooLarge
	}
	if len(b.head) < headBytes {
		b.head = append(b.head, p[:min(n, headBytes-len(b.head))]...)
	}
	if len(b.kept) < b.keep {
		b.kept = append(b.kept, p[:min(n, b.keep-len(b.kept))]...)
	}
	b.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.err == nil {
		b.err = err
	}
	return n, err
}

func (b *boundedBody) Close() error { return b.rc.Close() }

// firstBytes is the start of the body as read so far.
func (t *attemptTransport) firstBytes() string {
	if t.body == nil {
		return ""
	}
	return string(t.body.head)
}

// parseRetryAfter reads either form RFC 9110 allows: seconds or an HTTP date.
// Values past maxRetryAfter are capped.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if strings.Trim(value, "0123456789") == "" {
		secs, err := strconv.ParseUint(value, 10, 64)
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter // all digits, so only too large can fail
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter)
	}
	return 0
}

// describeBodyLimit names the limit in a message.
func describeBodyLimit(limit int64) string {
	if limit%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", limit>>20)
	}
	return fmt.Sprintf("%d bytes", limit)
}

// RequestTimeout is the bound of one HTTP attempt (Config.AttemptTimeout,
// after defaults), for callers that report or check it.
func (c *Client) RequestTimeout() time.Duration { return c.cfg.AttemptTimeout }
