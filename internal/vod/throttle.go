package vod

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Throttle is the limit Huawei's API gateway states when it refuses a
// request over the tenant's quota: at most Limit requests per Window. Its
// 429 answer says so in words, with error_code APIGW.0308 (some gateways
// write APIG.0308):
//
//	The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute
type Throttle struct {
	Limit  int
	Window time.Duration
}

// Daily reports whether the window is a day or longer: waiting it out is
// not a retry but tomorrow's run.
func (t Throttle) Daily() bool { return t.Window >= 24*time.Hour }

// String reads like the gateway's limit: "10 per 1 minute", "1000 per 1 day".
func (t Throttle) String() string {
	for _, unit := range []struct {
		name string
		d    time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}} {
		if t.Window >= unit.d && t.Window%unit.d == 0 {
			n := int(t.Window / unit.d)
			name := unit.name
			if n != 1 {
				name += "s"
			}
			return strconv.Itoa(t.Limit) + " per " + strconv.Itoa(n) + " " + name
		}
	}
	return strconv.Itoa(t.Limit) + " per " + t.Window.String()
}

// throttleCodes are the gateway's error codes for a request over the quota.
var throttleCodes = map[string]bool{"APIGW.0308": true, "APIG.0308": true}

// statedLimit finds "limit:N,time:M unit" in the gateway's message,
// tolerating spaces and plural units.
var statedLimit = regexp.MustCompile(`(?i)limit\s*[:=]\s*(\d+)\s*,\s*time\s*[:=]\s*(\d+)\s*(second|minute|hour|day)s?\b`)

var throttleUnits = map[string]time.Duration{
	"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour,
}

// maxStatedWindow bounds a stated window, so that a strange number cannot
// overflow into a short pause.
const maxStatedWindow = 7 * 24 * time.Hour

// parseThrottle reads the limit stated in a throttling answer's error_code
// and error_msg. It reports false when the code is not the gateway's
// throttling code or the message states no usable limit.
func parseThrottle(errorCode, errorMsg string) (Throttle, bool) {
	if !throttleCodes[strings.ToUpper(strings.TrimSpace(errorCode))] {
		return Throttle{}, false
	}
	m := statedLimit.FindStringSubmatch(errorMsg)
	if m == nil {
		return Throttle{}, false
	}
	limit, err := strconv.Atoi(m[1])
	if err != nil || limit <= 0 {
		return Throttle{}, false
	}
	count, err := strconv.Atoi(m[2])
	unit := throttleUnits[strings.ToLower(m[3])]
	if err != nil || count <= 0 || int64(count) > int64(maxStatedWindow/unit) {
		return Throttle{}, false
	}
	return Throttle{Limit: limit, Window: time.Duration(count) * unit}, true
}

// throttleOf returns the limit stated by a 429 in err's chain.
func throttleOf(err error) (Throttle, bool) {
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.HTTPStatus != http.StatusTooManyRequests {
		return Throttle{}, false
	}
	return parseThrottle(apiErr.ErrorCode, apiErr.ErrorMsg)
}

// IsDailyQuotaExceeded reports whether err is, or wraps, the gateway's
// refusal over a daily quota (a stated window of a day or more), such as
// the 1000 preheats a tenant may create a day. Retrying before the quota
// resets is pointless; the caller can say that it resets daily.
func IsDailyQuotaExceeded(err error) bool {
	t, ok := throttleOf(err)
	return ok && t.Daily()
}

// NotSentError is a request no attempt of which reached VOD (reachedVOD in
// retry.go): the limiter held it past its deadline, the context ended
// first, the gateway refused it with 429s, no connection was made, or the
// keys or project ID could not be had. For a create it means that no
// preheat was started.
type NotSentError struct {
	API   string // "create" or "query"
	Cause error  // why: a *SlotBeyondDeadlineError or the context's error
}

func (e *NotSentError) Error() string {
	return "the " + e.API + " request never reached VOD: " + e.Cause.Error()
}

func (e *NotSentError) Unwrap() error { return e.Cause }

// IsNotSent reports whether err says that no attempt of the request
// reached VOD.
func IsNotSent(err error) bool {
	var notSent *NotSentError
	return errors.As(err, &notSent)
}

// SlotBeyondDeadlineError is a request the pace would send only after the
// caller's deadline, refused at once instead of held until the deadline.
// It unwraps to context.DeadlineExceeded: the request cannot be made in time.
type SlotBeyondDeadlineError struct {
	API    string
	Delay  time.Duration // until the limiter's next slot
	Left   time.Duration // before the deadline
	Stated Throttle      // the gateway's stated limit, if one is known
	Last   error         // the 429 that set a hold, if one did
}

func (e *SlotBeyondDeadlineError) Error() string {
	msg := "the API's rate limit lets the next " + e.API + " request go in " + DurationText(e.Delay) +
		", after the deadline (" + DurationText(e.Left) + " left)"
	if e.Stated.Limit > 0 {
		msg += "; the gateway allows " + strconv.Itoa(e.Stated.Limit) + " " + e.API + " requests per " + describeWindow(e.Stated.Window)
	}
	return msg
}

// Unwrap gives context.DeadlineExceeded and the 429 behind the hold, so
// that IsDailyQuotaExceeded sees a request held by the daily quota.
func (e *SlotBeyondDeadlineError) Unwrap() []error {
	if e.Last == nil {
		return []error{context.DeadlineExceeded}
	}
	return []error{context.DeadlineExceeded, e.Last}
}

// describeWindow says a window in the gateway's words: "minute", "2 seconds".
func describeWindow(w time.Duration) string {
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}} {
		if w >= u.d && w%u.d == 0 {
			if n := w / u.d; n > 1 {
				return strconv.FormatInt(int64(n), 10) + " " + u.name + "s"
			}
			return u.name
		}
	}
	return w.String()
}
