package emulator

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Quota is the tenant's API rate limits. Every field is off when zero, and
// all are off by default. A request over any limit is refused without
// counting against the others.
//
// The per-API limits are what Huawei's API gateway enforces: fixed windows,
// one per API (preheat and refresh queries and creates apart). A window opens with the first
// request after the previous one closed and admits its limit's worth; over
// it the emulator answers as the gateway does, 429 APIGW.0308 with no
// Retry-After and the limit in its error_msg:
//
//	The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute
//
// Huawei documents no answer for an exhausted daily preheat quota; the
// emulator's choice is the same answer with "limit:1000,time:1 day".
//
// RequestsPerSecond is another model, a token bucket whose 429 states no
// limit ("policy user over ratelimit"), for clients that must learn the
// quota from the answers alone.
type Quota struct {
	// RequestsPerSecond bounds all requests of the tenant, with Burst the
	// bucket's size (0: one second's worth, at least 1).
	RequestsPerSecond float64
	Burst             int
	// QueriesPerMinute and CreatesPerMinute bound each API on its own, per
	// Window.
	QueriesPerMinute int
	CreatesPerMinute int
	// CreatesPerDay bounds preheat tasks created per day (24 hours).
	CreatesPerDay int
	// RefreshesPerMinute and RefreshesPerDay bound refresh tasks created,
	// per Window and per day; RefreshQueriesPerMinute bounds refresh
	// queries per Window (refresh.go).
	RefreshesPerMinute      int
	RefreshesPerDay         int
	RefreshQueriesPerMinute int
	// Window is the length of the per-minute limits' window (0: a minute);
	// tests scale it down, and the answers then say "time:2 second".
	// Whole seconds only.
	Window time.Duration
}

// HuaweiQuota is Huawei's documented per-tenant limits: 100 queries and 10
// creates a minute (international API reference), 1000 preheat tasks a
// day, and 100 media refreshes a minute and 1000 a day (the quota and
// refresh pages). No page gives a limit for refresh queries.
var HuaweiQuota = Quota{QueriesPerMinute: 100, CreatesPerMinute: 10, CreatesPerDay: 1000,
	RefreshesPerMinute: 100, RefreshesPerDay: 1000}

// The APIs the gateway counts apart, for AdmitAPI.
const (
	APIPreheatQuery  = "preheat query"
	APIPreheatCreate = "preheat create"
	APIRefreshQuery  = "refresh query"
	APIRefreshCreate = "refresh create"
)

// throttledMessage is the gateway's error_msg over a quota.
const throttledMessage = "The throttling threshold has been reached: policy user over ratelimit"

// limit is one limit of a Quota: a token bucket, or a fixed window when
// window is set.
type limit struct {
	api     string // one of the API* names, "" for every API
	message string

	// token bucket
	size, perSecond, tokens float64
	filled                  time.Time

	// fixed window
	window        time.Duration
	count, max    int
	windowStarted time.Time
}

// limits builds the limits of q that are on, unused.
func (q Quota) limits() []*limit {
	var ls []*limit
	if q.RequestsPerSecond > 0 {
		burst := float64(q.Burst)
		if burst <= 0 {
			burst = max(1, math.Ceil(q.RequestsPerSecond))
		}
		ls = append(ls, &limit{size: burst, perSecond: q.RequestsPerSecond, tokens: burst, message: throttledMessage})
	}
	window := q.Window
	if window <= 0 {
		window = time.Minute
	}
	fixed := func(api string, n int, window time.Duration) {
		if n > 0 {
			ls = append(ls, &limit{api: api, window: window, max: n,
				message: fmt.Sprintf("%s,limit:%d,time:%s", throttledMessage, n, describeWindow(window))})
		}
	}
	fixed(APIPreheatQuery, q.QueriesPerMinute, window)
	fixed(APIPreheatCreate, q.CreatesPerMinute, window)
	fixed(APIPreheatCreate, q.CreatesPerDay, 24*time.Hour)
	fixed(APIRefreshQuery, q.RefreshQueriesPerMinute, window)
	fixed(APIRefreshCreate, q.RefreshesPerMinute, window)
	fixed(APIRefreshCreate, q.RefreshesPerDay, 24*time.Hour)
	return ls
}

// describeWindow names a window as the gateway does: "1 minute",
// "2 second", "1 day".
func describeWindow(w time.Duration) string {
	switch {
	case w%(24*time.Hour) == 0:
		return fmt.Sprintf("%d day", w/(24*time.Hour))
	case w%time.Minute == 0:
		return fmt.Sprintf("%d minute", w/time.Minute)
	}
	return fmt.Sprintf("%d second", int64(math.Ceil(w.Seconds())))
}

// admits reports whether l has room for one more request at now.
func (l *limit) admits(now time.Time) bool {
	if l.window > 0 {
		if l.windowStarted.IsZero() || !now.Before(l.windowStarted.Add(l.window)) {
			l.windowStarted, l.count = time.Time{}, 0 // the window closed: the next request opens one
		}
		return l.count < l.max
	}
	if !l.filled.IsZero() && now.After(l.filled) {
		l.tokens = min(l.size, l.tokens+now.Sub(l.filled).Seconds()*l.perSecond)
	}
	if l.filled.IsZero() || now.After(l.filled) {
		l.filled = now
	}
	return l.tokens >= 1
}

// take counts one admitted request at now.
func (l *limit) take(now time.Time) {
	if l.window > 0 {
		if l.windowStarted.IsZero() {
			l.windowStarted = now
		}
		l.count++
		return
	}
	l.tokens--
}

// QuotaGate enforces a Quota. The Server uses one; clients' tests may use
// one on a simulated clock. It is not safe for concurrent use.
type QuotaGate struct{ limits []*limit }

// NewQuotaGate returns a gate for q with every limit unused.
func NewQuotaGate(q Quota) *QuotaGate { return &QuotaGate{limits: q.limits()} }

// Admit is AdmitAPI for the preheat API of method: GET queries, POST
// creates.
func (g *QuotaGate) Admit(method string, now time.Time) (refusal string, ok bool) {
	if method == http.MethodPost {
		return g.AdmitAPI(APIPreheatCreate, now)
	}
	return g.AdmitAPI(APIPreheatQuery, now)
}

// AdmitAPI counts a request of api against every limit that applies to
// it, or, when one has no room, counts it against none and returns the
// message to refuse with.
func (g *QuotaGate) AdmitAPI(api string, now time.Time) (refusal string, ok bool) {
	applies := func(l *limit) bool { return l.api == "" || l.api == api }
	for _, l := range g.limits {
		if applies(l) && !l.admits(now) {
			return l.message, false
		}
	}
	for _, l := range g.limits {
		if applies(l) {
			l.take(now)
		}
	}
	return "", true
}

// admit answers 429 APIGW.0308, without Retry-After, to a request over the
// tenant's quota and reports whether the request may go on.
func (s *Server) admit(w http.ResponseWriter, api string) bool {
	s.mu.Lock()
	refusal, ok := s.quota.AdmitAPI(api, s.cfg.Now())
	if !ok {
		s.throttled++
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusTooManyRequests, "APIGW.0308", refusal)
	}
	return ok
}

// Throttled is the number of requests refused for being over the quota.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}
