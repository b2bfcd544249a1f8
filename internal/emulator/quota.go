package emulator

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Quota is the tenant's API rate limits. Every field is off when zero, and
// all are off by default. Each limit is a token bucket: it holds up to its
// size and refills evenly over its period, so "100 a minute" allows a burst
// of 100 and then about one request every 0.6s. A request over any limit is
// refused without consuming any of the others.
//
// Over RequestsPerSecond, QueriesPerMinute or CreatesPerMinute the emulator
// answers as API Gateway does: 429 APIGW.0308 and no Retry-After. Huawei
// documents no answer for an exhausted daily preheat quota; the emulator's
// choice is the same 429 APIGW.0308 with a message that names the daily
// quota.
type Quota struct {
	// RequestsPerSecond bounds all requests of the tenant, with Burst the
	// bucket's size (0: one second's worth, at least 1).
	RequestsPerSecond float64
	Burst             int
	// QueriesPerMinute and CreatesPerMinute bound each API on its own.
	QueriesPerMinute int
	CreatesPerMinute int
	// CreatesPerDay bounds preheat tasks created in 24 hours.
	CreatesPerDay int
}

// HuaweiQuota is Huawei's documented per-tenant limits: 100 queries and 10
// creates a minute (international API reference) and 1000 preheat tasks a
// day.
var HuaweiQuota = Quota{QueriesPerMinute: 100, CreatesPerMinute: 10, CreatesPerDay: 1000}

// limit is one token bucket of a Quota.
type limit struct {
	method    string // "" for every method
	size      float64
	perSecond float64
	message   string

	tokens float64
	filled time.Time
}

func newLimit(method string, size, perSecond float64, message string) *limit {
	return &limit{method: method, size: size, perSecond: perSecond, message: message, tokens: size}
}

// limits builds the buckets of q that are on, full.
func (q Quota) limits() []*limit {
	var ls []*limit
	if q.RequestsPerSecond > 0 {
		burst := float64(q.Burst)
		if burst <= 0 {
			burst = max(1, math.Ceil(q.RequestsPerSecond))
		}
		ls = append(ls, newLimit("", burst, q.RequestsPerSecond, "The throttling threshold has been reached: policy user over ratelimit"))
	}
	perMinute := func(method string, n int, what string) {
		if n > 0 {
			ls = append(ls, newLimit(method, float64(n), float64(n)/60,
				fmt.Sprintf("The throttling threshold has been reached: policy user over ratelimit, limit:%d, time:1 minute (%s)", n, what)))
		}
	}
	perMinute(http.MethodGet, q.QueriesPerMinute, "queries")
	perMinute(http.MethodPost, q.CreatesPerMinute, "creates")
	if q.CreatesPerDay > 0 {
		ls = append(ls, newLimit(http.MethodPost, float64(q.CreatesPerDay), float64(q.CreatesPerDay)/(24*3600),
			fmt.Sprintf("The daily quota of %d preheat tasks has been reached", q.CreatesPerDay)))
	}
	return ls
}

// refill brings l's tokens up to now.
func (l *limit) refill(now time.Time) {
	if !l.filled.IsZero() && now.After(l.filled) {
		l.tokens = min(l.size, l.tokens+now.Sub(l.filled).Seconds()*l.perSecond)
	}
	if l.filled.IsZero() || now.After(l.filled) {
		l.filled = now
	}
}

// QuotaGate enforces a Quota. The Server uses one; clients' tests may use
// one on a simulated clock. It is not safe for concurrent use.
type QuotaGate struct{ limits []*limit }

// NewQuotaGate returns a gate for q with every bucket full.
func NewQuotaGate(q Quota) *QuotaGate { return &QuotaGate{limits: q.limits()} }

// Admit takes a token from every limit that applies to method, or, when one
// is empty, takes none and returns the message to refuse with.
func (g *QuotaGate) Admit(method string, now time.Time) (refusal string, ok bool) {
	applies := func(l *limit) bool { return l.method == "" || l.method == method }
	for _, l := range g.limits {
		if applies(l) {
			l.refill(now)
			if l.tokens < 1 {
				return l.message, false
			}
		}
	}
	for _, l := range g.limits {
		if applies(l) {
			l.tokens--
		}
	}
	return "", true
}

// admit answers 429 APIGW.0308, without Retry-After, to a request over the
// tenant's quota and reports whether the request may go on.
func (s *Server) admit(w http.ResponseWriter, method string) bool {
	s.mu.Lock()
	refusal, ok := s.quota.Admit(method, s.cfg.Now())
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
