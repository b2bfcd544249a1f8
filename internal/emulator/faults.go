package emulator

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault is an injected misbehaviour, applied to a request before any
// authentication, the way a gateway or network problem would be.
//
// Delay is slept first (cut short if the client goes away). Then Break, when
// set, breaks the connection instead of answering. Otherwise, if Status is 0
// the request is served normally (a latency-only fault); else the fault
// answers with Status, a Retry-After header when RetryAfter is set, and Body
// (default: the gateway's body for that status, or nothing with EmptyBody)
// with ContentType (default application/json). ErrorCode and ErrorMsg, when
// set, make the body the gateway's JSON error with the request's request_id.
// BodySize, when set, streams a body of that many bytes instead, without
// holding it in memory. NoRequestIDHeader leaves X-Request-Id out of the
// headers (the body's request_id stays).
type Fault struct {
	Status            int
	RetryAfter        string
	Body              string
	ErrorCode         string
	ErrorMsg          string
	NoRequestIDHeader bool
	EmptyBody         bool
	BodySize          int64
	ContentType       string
	Delay             time.Duration
	Break             Break
}

// Break is a way of breaking a connection instead of answering.
type Break int

// The ways a Fault can break a connection.
const (
	// NoBreak answers normally.
	NoBreak Break = iota
	// ResetBeforeAnswer resets the connection (TCP RST) before any byte of
	// the answer is sent.
	ResetBeforeAnswer
	// ResetMidBody sends the headers of a 200 that promise a longer body,
	// part of the body, then resets the connection.
	ResetMidBody
)

// Fault429 is the gateway's throttling answer; an empty retryAfter sends no
// Retry-After header, as the gateway usually does.
func Fault429(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// Fault500 is the gateway's internal error answer.
func Fault500() Fault { return Fault{Status: http.StatusInternalServerError} }

// FaultJSON answers status with the error body {error_code, error_msg}.
func FaultJSON(status int, code, msg string) Fault {
	return Fault{Status: status, ErrorCode: code, ErrorMsg: msg}
}

// FaultHTML answers status with an HTML page, as a load balancer or proxy in
// front of the gateway sends.
func FaultHTML(status int) Fault {
	return Fault{
		Status:      status,
		Body:        fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status)),
		ContentType: "text/html",
	}
}

// FaultEmpty answers status with an empty body.
func FaultEmpty(status int) Fault { return Fault{Status: status, EmptyBody: true} }

// Fault503HTML is an HTML error page, as a load balancer in front of the
// gateway sends; clients must cope with a non-JSON error body.
func Fault503HTML() Fault {
	return Fault{
		Status:      http.StatusServiceUnavailable,
		Body:        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
		ContentType: "text/html",
	}
}

// FaultTruncatedJSON answers status (a 2xx) with a query answer cut short,
// its Content-Length matching what is sent: a broken backend, not a broken
// connection.
func FaultTruncatedJSON(status int) Fault {
	return Fault{Status: status, Body: `{"preheating_results": [{"url": "https://cdn.example.com/a.mp4", "sta`}
}

// FaultHugeBody answers status with a JSON-looking body of size bytes.
func FaultHugeBody(status int, size int64) Fault {
	return Fault{Status: status, BodySize: size}
}

// FaultDelay delays a request by d, then serves it normally.
func FaultDelay(d time.Duration) Fault { return Fault{Delay: d} }

// FaultStall holds a request without answering until the client gives up
// (or an hour passes).
func FaultStall() Fault { return Fault{Delay: time.Hour, Status: http.StatusGatewayTimeout} }

// FaultReset breaks the connection in the way b says.
func FaultReset(b Break) Fault { return Fault{Break: b} }

// InjectFaults queues f for the next n requests; queued faults are consumed
// one per request in FIFO order.
func (s *Server) InjectFaults(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// PendingFaults is the number of queued faults not yet consumed.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// SkewClock moves the emulator's clock, as its signature check and Date
// header see it, by d: a client whose X-Sdk-Date is more than MaxClockSkew
// off is refused.
func (s *Server) SkewClock(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew = d
}

// AnswerQueriesWith sets the status of a successful query: 200 as the seed
// document and Huawei's current pages show (the default) or 202, as an
// older page said.
func (s *Server) AnswerQueriesWith(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queryStatus = status
}

// AnswerUnknownTasksWith sets the answer to a query of a task the emulator
// does not know: by default 400 VOD.10053 ("illegal field: {task_id}"),
// what VOD answers for a malformed task ID too. VOD's documentation lists
// no answer for an unknown task; tests use this for the other codes a
// client may meet, such as VOD.10062.
func (s *Server) AnswerUnknownTasksWith(status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unknownTask = &unknownTaskAnswer{status: status, code: code}
}

// unknownTaskAnswer is set by AnswerUnknownTasksWith.
type unknownTaskAnswer struct {
	status int
	code   string
}

// applyFault plays f and reports whether the request should still be served.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return false
		}
	}
	if f.Break != NoBreak {
		breakConnection(w, f.Break)
		return false
	}
	if f.Status == 0 {
		return true
	}
	requestID := w.Header().Get("X-Request-Id")
	if f.NoRequestIDHeader {
		w.Header().Del("X-Request-Id")
	}
	body, contentType := f.Body, f.ContentType
	switch {
	case f.ErrorCode != "":
		body = errorJSON(f.ErrorCode, f.ErrorMsg, requestID)
	case body == "" && !f.EmptyBody && f.BodySize == 0:
		body = defaultFaultBody(f.Status, requestID)
	}
	if contentType == "" {
		contentType = "application/json"
	}
	w.Header().Set("Content-Type", contentType)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	if f.BodySize > 0 {
		writeHugeBody(w, f.BodySize)
		return false
	}
	_, _ = io.WriteString(w, body)
	return false
}

// writeHugeBody streams size bytes of a JSON array that never ends, from
// one small buffer; it stops when the client goes away.
func writeHugeBody(w io.Writer, size int64) {
	const prefix = `{"preheating_results": [`
	chunk := []byte(strings.Repeat(`{"url": "https://cdn.example.com/x.ts", "status": "succeed"}, `, 512))
	if _, err := io.WriteString(w, prefix); err != nil {
		return
	}
	for left := size - int64(len(prefix)); left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
			return
		}
	}
}

// breakConnection takes the connection over and resets it (SO_LINGER 0, so
// the client sees a TCP RST rather than an orderly close), after writing part
// of an answer for ResetMidBody.
func breakConnection(w http.ResponseWriter, b Break) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return // a ResponseWriter that cannot be hijacked (HTTP/2) just drops the request
	}
	defer conn.Close()
	if b == ResetMidBody {
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n" +
			"X-Request-Id: " + w.Header().Get("X-Request-Id") + "\r\n\r\n" +
			`{"preheating_results": [{"url": "https://cdn.example.com/a.mp4", `)
		_ = buf.Flush()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
}

// defaultFaultBody is the gateway's error body for a status.
func defaultFaultBody(status int, requestID string) string {
	errorJSON := func(code, msg string) string { return errorJSON(code, msg, requestID) }
	switch status {
	case http.StatusUnauthorized:
		return errorJSON("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")
	case http.StatusForbidden:
		return errorJSON("APIGW.0302", "The IAM user is forbidden in the currently selected region")
	case http.StatusNotFound:
		return errorJSON("APIGW.0101", "The API does not exist or has not been published in the environment")
	case http.StatusTooManyRequests:
		return errorJSON("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit")
	case http.StatusInternalServerError:
		return errorJSON("APIGW.0601", "Internal server error")
	case http.StatusServiceUnavailable:
		return errorJSON("APIGW.0613", "Backend unavailable")
	default:
		return errorJSON("APIGW.0601", http.StatusText(status))
	}
}
