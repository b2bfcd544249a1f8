package vod

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// APIError is a non-2xx answer from the VOD API or its gateway.
type APIError struct {
	Method     string
	Path       string
	HTTPStatus int
	ErrorCode  string
	ErrorMsg   string
	RequestID  string
	// BodyRequestID is the error body's "request_id", which the gateway
	// sends; it is shown when the X-Request-Id header is missing.
	BodyRequestID string
	// NonJSON is set when the body was not the gateway's JSON (an HTML page
	// from a load balancer, say); ErrorMsg then holds its text in one line.
	NonJSON bool
	// RetryAfter is the wait the server asked for (Retry-After), or zero.
	RetryAfter time.Duration
	// ClockSkew is the server's Date header minus this machine's clock, or
	// zero when the answer had no Date.
	ClockSkew time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d %s", e.Method, e.Path, e.HTTPStatus, http.StatusText(e.HTTPStatus))
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", error_code %s", e.ErrorCode)
	}
	switch {
	case e.NonJSON && e.ErrorMsg == "":
		b.WriteString(", empty body")
	case e.NonJSON:
		fmt.Fprintf(&b, ", non-JSON body %q", e.ErrorMsg)
	case e.ErrorMsg != "":
		fmt.Fprintf(&b, ", error_msg %q", e.ErrorMsg)
	}
	if e.RequestID == "" && e.BodyRequestID != "" {
		fmt.Fprintf(&b, ", request_id %s (from the body; no X-Request-Id header)", e.BodyRequestID)
	} else {
		fmt.Fprintf(&b, ", X-Request-Id %s", orNone(e.RequestID))
	}
	if hint := e.hint(); hint != "" {
		b.WriteString(". " + hint)
	}
	return b.String()
}

// clockSkewShown is the clock difference worth pointing out: the gateway
// refuses a request signed more than 15 minutes off its own clock.
const clockSkewShown = time.Minute

// hint adds what a user can do about the errors they are likely to meet. It
// goes by error_code first: VOD answers its own system errors with 403, so
// the status alone would blame IAM for them. The status decides only when
// the code is one this client does not know.
func (e *APIError) hint() string {
	if hint := e.refreshHint(); hint != "" { // refresh_task.go
		return hint
	}
	if hint := e.hintByCode(); hint != "" {
		return hint
	}
	return e.hintByStatus()
}

// systemErrorCodes are VOD's own failures, which it answers with HTTP 403
// (Huawei's VOD error-code page): a query may succeed when asked again.
var systemErrorCodes = map[string]string{
	"VOD.10051": "an internal system error",
	"VOD.10052": "an internal communication error",
}

// ServerFault reports whether the service itself failed (a 5xx, or one of
// VOD's system errors, whatever the status): a create may then have started a
// task even though it returned no task_id.
func (e *APIError) ServerFault() bool {
	_, system := systemErrorCodes[e.ErrorCode]
	return e.HTTPStatus >= 500 || system
}

// lockoutMessage is in the gateway's answer to an access key it has locked.
const lockoutMessage = "AK access failed to reach the limit"

func (e *APIError) hintByCode() string {
	if what, ok := systemErrorCodes[e.ErrorCode]; ok {
		hint := fmt.Sprintf("VOD reported %s (HTTP %d is how VOD answers its own failures, not a permission problem). ", what, e.HTTPStatus)
		if e.Method == http.MethodPost {
			return hint + "A create is not retried: VOD may have created the task anyway, and a second create could start a second preheat"
		}
		return hint + "A query is retried up to max_retries; if it keeps failing, wait and run again"
	}
	switch e.ErrorCode {
	case "APIGW.0301", "APIG.0301":
		if strings.Contains(e.ErrorMsg, lockoutMessage) {
			return "The gateway has locked this access key for 5 minutes after more than 5 failed signatures in a row: " +
				"fix secret_key (and the clock), wait 5 minutes, then run again. The request was not retried"
		}
		return e.hintByStatus()
	case "APIGW.0308", "APIG.0308":
		if t, ok := parseThrottle(e.ErrorCode, e.ErrorMsg); ok && t.Daily() {
			return "The gateway's daily limit for this tenant is used up: pacing cannot help, it resets daily; run again once it has"
		}
		return hintThrottled
	case "APIGW.0101", "APIG.0101":
		return hintNotFound
	case "APIGW.0302", "APIGW.0306", "APIG.0302", "APIG.0306", "VOD.10074":
		return hintForbidden
	case "VOD.10054", "VOD.10057":
		return "VOD refused the credentials' tenant: check project_id (the IAM project of this region) and that VOD is enabled for the account"
	case "VOD.10053":
		return "The API rejected a parameter; for a query this usually means the task_id does not exist in this project and region"
	case "VOD.10062":
		return "VOD knows no such resource: check asset_id (or task_id) and that it belongs to this project and region"
	}
	return ""
}

const (
	hintForbidden = "The credentials are not allowed to do this: check the IAM permissions of the access key's user for VOD in this project " +
		"(and, for a create, that the asset is enabled for CDN acceleration)"
	hintNotFound = "The API was not found at this address: check endpoint (or region) and cloud; " +
		"without endpoint the VOD API is at https://vod.{region}.{cloud}, such as https://vod.cn-north-4.myhuaweicloud.com for cn-north-4 with the default cloud"
	hintThrottled = "The API gateway is throttling this tenant (about 10 creates and 100 queries a minute, shared by everything using it): " +
		"set max_requests_per_second a little under the tenant's share (such as 1.5), wait on fewer tasks at once " +
		"(-parallelism, or one vod_preheating_batch), or raise poll_interval"
)

func (e *APIError) hintByStatus() string {
	switch e.HTTPStatus {
	case http.StatusUnauthorized:
		hint := "Check access_key, secret_key, security_token and project_id, and this machine's clock: " +
			"the gateway refuses a request signed more than 15 minutes off its own clock. " +
			"The request was not retried: the gateway locks an access key for 5 minutes after more than 5 failed signatures in a row"
		if e.ClockSkew >= clockSkewShown || -e.ClockSkew >= clockSkewShown {
			hint = fmt.Sprintf("The server's clock (its Date header) is %s this machine's: fix the clock (NTP). ", describeSkew(e.ClockSkew)) + hint
		}
		return hint
	case http.StatusForbidden:
		return hintForbidden
	case http.StatusNotFound:
		return hintNotFound
	case http.StatusTooManyRequests:
		return hintThrottled
	}
	return ""
}

// describeSkew rounds to the minute: the Date header has whole seconds only.
func describeSkew(skew time.Duration) string {
	if skew > 0 {
		return "about " + minutesText(skew) + " ahead of"
	}
	return "about " + minutesText(-skew) + " behind"
}

// minutesText says a positive skew in whole minutes: "5 minutes", not "5m0s".
func minutesText(d time.Duration) string {
	if m := int(d.Round(time.Minute) / time.Minute); m != 1 {
		return fmt.Sprintf("%d minutes", m)
	}
	return "1 minute"
}

// shortDuration writes a configured duration as users write it: "60s",
// "90s", "5m", never "1m0s".
func shortDuration(d time.Duration) string {
	if d%time.Second == 0 && d < 10*time.Minute {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	text := d.String()
	text = strings.Replace(text, "m0s", "m", 1)
	return strings.Replace(text, "h0m", "h", 1)
}

// Retryable reports whether the same query may succeed later: throttling
// and server-side failures, VOD's system errors included whatever their
// status. A 401 is never retried: it would lock the key. Creates do not ask
// this: they retry throttling only.
func (e *APIError) Retryable() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.ServerFault()
}

// DecodeError is a 2xx answer whose body is not the JSON the API documents:
// truncated, an HTML page from a proxy, or too large. A query retries it like
// a 5xx.
type DecodeError struct {
	Method      string
	Path        string
	HTTPStatus  int
	ContentType string
	Reason      string
	FirstBytes  string // the start of the body, for the message
	RequestID   string
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: could not decode the %d answer: %s", e.Method, e.Path, e.HTTPStatus, e.Reason)
	if e.ContentType != "" {
		fmt.Fprintf(&b, " (Content-Type %s)", e.ContentType)
	}
	fmt.Fprintf(&b, "; first bytes: %q; X-Request-Id %s", e.FirstBytes, orNone(e.RequestID))
	return b.String()
}

// TransportError is a request that got no complete HTTP answer: refused,
// reset before the answer or in the middle of its body, a host not found. A
// query retries it, unless Retryable says another try cannot help.
type TransportError struct {
	Method, Path string
	Scheme, Host string // where the request went: the endpoint's scheme and host
	What         string // what happened, in words: "connection refused", ...
	Err          error
}

func (e *TransportError) Error() string {
	target := e.Path
	if e.Host != "" {
		target = e.Scheme + "://" + e.Host + e.Path
	}
	msg := fmt.Sprintf("%s %s: %s: %v", e.Method, target, e.What, e.Err)
	if !e.Retryable() {
		msg += " (not retried: another try cannot change this)"
	}
	return msg + ". Check endpoint (or region)"
}

// Retryable reports whether sending the request again may help: not when the
// host does not exist, nor when an HTTPS request was answered in plain HTTP
// (the endpoint's scheme or port is wrong).
func (e *TransportError) Retryable() bool {
	var dnsErr *net.DNSError
	if errors.As(e.Err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	return !isPlainHTTPAnswer(e.Err)
}

// NeverConnected reports a request that failed before any connection was
// made (the name did not resolve, or the connection was refused or could
// not be opened), so no byte of it reached the server: even a create may
// be sent again.
func (e *TransportError) NeverConnected() bool {
	return neverConnected(e.Err)
}

func neverConnected(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// isPlainHTTPAnswer recognises net/http's error for an HTTPS request that a
// plain HTTP server answered; it has no type of its own.
func isPlainHTTPAnswer(err error) bool {
	return err != nil && strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

func (e *TransportError) Unwrap() error { return e.Err }

// AttemptTimeoutError is one HTTP attempt that hit its own bound (the
// request timeout), as opposed to the caller's deadline. It deliberately does
// not unwrap to context.DeadlineExceeded, so it is never mistaken for the
// caller's timeout. A query retries it.
type AttemptTimeoutError struct {
	Method, Path         string
	Timeout              time.Duration
	Attempt, MaxAttempts int // MaxAttempts 0: not retried after a timeout
	HTTPStatus           int // non-zero when the headers came but the body stalled
}

func (e *AttemptTimeoutError) Error() string {
	what := "no answer"
	if e.HTTPStatus != 0 {
		what = fmt.Sprintf("the body of the HTTP %d answer did not arrive", e.HTTPStatus)
	}
	if e.MaxAttempts == 0 { // a create: never retried after a timeout
		return fmt.Sprintf("%s %s: %s within %s (the request timeout), attempt %d, not retried",
			e.Method, e.Path, what, shortDuration(e.Timeout), e.Attempt)
	}
	return fmt.Sprintf("%s %s: %s within %s (the request timeout), attempt %d of %d",
		e.Method, e.Path, what, shortDuration(e.Timeout), e.Attempt, e.MaxAttempts)
}

// RetryBeyondDeadlineError is a retry given up because it would start after
// the caller's deadline. A wait reports it as its own timeout.
type RetryBeyondDeadlineError struct {
	Delay      time.Duration // the pause the retry needed
	Left       time.Duration // time left before the deadline
	RetryAfter bool          // the server asked for Delay
	Window     Throttle      // non-zero: the gateway's stated window put the retry there
	Last       error
}

func (e *RetryBeyondDeadlineError) Error() string {
	source := "backoff"
	switch {
	case e.RetryAfter:
		source = "the server's Retry-After"
	case e.Window.Limit > 0:
		source = fmt.Sprintf("the gateway allows %d per %s", e.Window.Limit, describeWindow(e.Window.Window))
	}
	return fmt.Sprintf("not retrying: the next attempt would start in %s (%s), after the deadline (%s left): %v",
		DurationText(e.Delay), source, DurationText(e.Left), e.Last)
}

func (e *RetryBeyondDeadlineError) Unwrap() error { return e.Last }

// RetriesExhaustedError wraps the last error after max_retries ran out.
type RetriesExhaustedError struct {
	Attempts int
	Last     error
}

func (e *RetriesExhaustedError) Error() string {
	return fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, e.Last)
}

func (e *RetriesExhaustedError) Unwrap() error { return e.Last }

// AsAPIError finds an *APIError in err's chain.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// isJSON reports whether an error body is JSON, so that an HTML page or an
// empty body is named as such.
func isJSON(body string) bool { return json.Valid([]byte(body)) }

// readableMessage turns an error body that is not the gateway's JSON (an HTML
// page from a load balancer, say) into one short line.
func readableMessage(body string) string {
	if strings.Contains(body, "<") {
		body = stripTags(body)
	}
	body = strings.Join(strings.FieldsFunc(body, unicode.IsSpace), " ")
	const max = 200
	if runes := []rune(body); len(runes) > max {
		body = string(runes[:max]) + "…"
	}
	return body
}

func stripTags(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
			b.WriteRune(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}
