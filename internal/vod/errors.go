package vod

import (
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
	// RetryAfter is the wait the server asked for (Retry-After), or zero.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d %s", e.Method, e.Path, e.HTTPStatus, http.StatusText(e.HTTPStatus))
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", error_code %s", e.ErrorCode)
	}
	if e.ErrorMsg != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.ErrorMsg)
	}
	requestID := e.RequestID
	if requestID == "" {
		requestID = "(none)"
	}
	fmt.Fprintf(&b, ", X-Request-Id %s", requestID)
	if hint := e.hint(); hint != "" {
		b.WriteString(". " + hint)
	}
	return b.String()
}

// hint adds what a user can do about the errors they are likely to meet.
func (e *APIError) hint() string {
	switch {
	case e.HTTPStatus == http.StatusUnauthorized:
		return "Check access_key, secret_key, security_token and project_id; the request was not retried because the gateway locks an access key after repeated failures"
	case e.ErrorCode == "VOD.10053":
		return "The API rejected a parameter; for a query this usually means the task_id does not exist in this project and region"
	}
	return ""
}

// Retryable reports whether the same request may succeed later: throttling
// and server-side failures. A 401 is never retried: it would lock the key.
func (e *APIError) Retryable() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500
}

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
