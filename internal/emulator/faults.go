package emulator

import (
	"io"
	"net/http"
	"time"
)

// Fault is an injected misbehaviour, applied to a request before any
// authentication, the way a gateway or network problem would be.
//
// Delay is slept first (cut short if the client goes away). Then, if Status
// is 0 the request is served normally (a latency-only fault); otherwise the
// fault answers with Status, a Retry-After header when RetryAfter is set, and
// Body (default: the gateway's body for that status) with ContentType
// (default application/json).
type Fault struct {
	Status      int
	RetryAfter  string
	Body        string
	ContentType string
	Delay       time.Duration
}

// Fault429 is the gateway's throttling answer.
func Fault429(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// Fault500 is the gateway's internal error answer.
func Fault500() Fault { return Fault{Status: http.StatusInternalServerError} }

// Fault503HTML is an HTML error page, as a load balancer in front of the
// gateway sends; clients must cope with a non-JSON error body.
func Fault503HTML() Fault {
	return Fault{
		Status:      http.StatusServiceUnavailable,
		Body:        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
		ContentType: "text/html",
	}
}

// FaultDelay delays a request by d, then serves it normally.
func FaultDelay(d time.Duration) Fault { return Fault{Delay: d} }

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
	if f.Status == 0 {
		return true
	}
	body, contentType := f.Body, f.ContentType
	if body == "" {
		body = defaultFaultBody(f.Status)
	}
	if contentType == "" {
		contentType = "application/json"
	}
	w.Header().Set("Content-Type", contentType)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, body)
	return false
}

// defaultFaultBody is the gateway's error body for a status.
func defaultFaultBody(status int) string {
	switch status {
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
