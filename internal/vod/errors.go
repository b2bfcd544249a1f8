package vod

import (
	"encoding/json"
	"errors"
	"fmt"
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
	fmt.Fprintf(&b, ", X-Request-Id %s", orNone(e.RequestID))
	if hint := e.hint(); hint != "" {
		b.WriteString(". " + hint)
	}
	return b.String()
}

// clockSkewShown is the clock difference worth pointing out: the gateway
// refuses a request signed more than 15 minutes off its own clock.
const clockSkewShown = time.Minute

// hint adds what a user can do about the errors they are likely to meet.
func (e *APIError) hint() string {
	switch {
	case e.HTTPStatus == http.StatusUnauthorized:
		hint := "Check access_key, secret_key, security_token and project_id, and this machine's clock: " +
			"the gateway refuses a request signed more than 15 minutes off its own clock. " +
			"The request was not retried: the gateway locks an access key for 5 minutes after more than 5 failed signatures in a row"
		if e.ClockSkew >= clockSkewShown || -e.ClockSkew >= clockSkewShown {
			hint = fmt.Sprintf("The server's clock (its Date header) is %s this machine's: fix the clock (NTP). ", describeSkew(e.ClockSkew)) + hint
		}
		return hint
	case e.HTTPStatus == http.StatusForbidden:
		return "The credentials are not allowed to do this: check the IAM permissions of the access key's user for VOD in this project " +
			"(and, for a create, that the asset is enabled for CDN acceleration)"
	case e.HTTPStatus == http.StatusNotFound:
		return "The API was not found at this address: check endpoint (or region); " +
			"the VOD API is at https://vod.{region}.myhuaweicloud.com"
	case e.HTTPStatus == http.StatusTooManyRequests:
		return "The API gateway is throttling this tenant (about 100 queries a minute): " +
			"lower the request rate (a longer poll_interval, fewer parallel reads) or raise max_retries"
	case e.ErrorCode == "VOD.10053":
		return "The API rejected a parameter; for a query this usually means the task_id does not exist in this project and region"
	}
	return ""
}

// describeSkew rounds to the minute: the Date header has whole seconds only.
func describeSkew(skew time.Duration) string {
	if skew > 0 {
		return "about " + skew.Round(time.Minute).String() + " ahead of"
	}
	return "about " + (-skew).Round(time.Minute).String() + " behind"
}

// Retryable reports whether the same request may succeed later: throttling
// and server-side failures. A 401 is never retried: it would lock the key.
func (e *APIError) Retryable() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500
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
// reset before the answer or in the middle of its body. A query retries it.
type TransportError struct {
	Method, Path string
	What         string // what happened, in words: "connection refused", ...
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s: %v", e.Method, e.Path, e.What, e.Err)
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
			e.Method, e.Path, what, e.Timeout, e.Attempt)
	}
	return fmt.Sprintf("%s %s: %s within %s (the request timeout), attempt %d of %d",
		e.Method, e.Path, what, e.Timeout, e.Attempt, e.MaxAttempts)
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
		e.Delay.Round(time.Millisecond), source, e.Left.Round(time.Millisecond), e.Last)
}

func (e *RetryBeyondDeadlineError) Unwrap() error { return e.Last }

// RetriesExhaustedError wraps the last error after the retry budget ran out.
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

// ProfileError is a Huawei Cloud CLI config file that yields no keys. It
// names the file and the profile, never what the file holds.
type ProfileError struct {
	File, Profile, Problem string
}

func (e *ProfileError) Error() string {
	profile := e.Profile
	if profile == "" {
		profile = "(the current one)"
	}
	return fmt.Sprintf("shared config file %s, profile %s: %s", e.File, profile, e.Problem)
}

// NoKeysError says that no source yielded keys, listing those tried in order.
type NoKeysError struct {
	Tried    []string // sources that had no keys, before the metadata service
	Metadata string   // the metadata service's base URL
	Err      error    // why the metadata service gave none
}

func (e *NoKeysError) Error() string {
	var b strings.Builder
	b.WriteString("no credentials found. Sources tried, in order: ")
	for i, source := range e.Tried {
		fmt.Fprintf(&b, "%d) %s; ", i+1, source)
	}
	fmt.Fprintf(&b, "%d) the ECS metadata service at %s: %v. "+
		"Set access_key and secret_key, name a Huawei Cloud CLI config file with shared_config_file, "+
		"or run on an ECS instance with an IAM agency", len(e.Tried)+1, e.Metadata, e.Err)
	return b.String()
}

func (e *NoKeysError) Unwrap() error { return e.Err }

// ProjectLookupError is a failed search for the project ID by name in IAM.
// Err, when set, is the IAM call's own error (an *APIError, say).
type ProjectLookupError struct {
	Name     string
	Endpoint string
	Problem  string
	Err      error
}

func (e *ProjectLookupError) Error() string {
	msg := fmt.Sprintf("looking up the ID of project %q in IAM at %s: %s", e.Name, e.Endpoint, e.Problem)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg + ". Set project_id (or HW_PROJECT_ID) to skip the lookup, or project_name to the project's exact name"
}

func (e *ProjectLookupError) Unwrap() error { return e.Err }

// KeyRefreshError is temporary keys that expired and could not be renewed.
type KeyRefreshError struct {
	Source    string
	ExpiredAt time.Time
	Err       error
}

func (e *KeyRefreshError) Error() string {
	return fmt.Sprintf("the temporary keys from %s expired at %s and refreshing them failed: %v",
		e.Source, e.ExpiredAt.UTC().Format(time.RFC3339), e.Err)
}

func (e *KeyRefreshError) Unwrap() error { return e.Err }

// IsCredentialsError reports whether err means the client could not get keys
// or a project ID, so that no request reached VOD.
func IsCredentialsError(err error) bool {
	return errors.As(err, new(*NoKeysError)) || errors.As(err, new(*KeyRefreshError)) ||
		errors.As(err, new(*ProjectLookupError)) || errors.As(err, new(*ProfileError))
}
