// Package emulator is a local, in-process stand-in for Huawei Cloud VOD's CDN
// preheat (and refresh, refresh.go) API as reached through Huawei API Gateway: it verifies
// SDK-HMAC-SHA256 signatures, answers with the gateway's and VOD's error
// bodies, simulates preheat progress on a controllable clock and can inject
// faults (throttling, 5xx, HTML error pages, latency) so clients can be
// tested for retry and error handling without a cloud account.
//
// Request pipeline, in order: injected fault (if queued) → route match
// (404 APIGW.0101) → body read (413 over 1 MiB) → access key lockout, then
// signature and credential checks (401 APIGW.0301) → project check (401
// APIGW.0301) → tenant quota (429 APIGW.0308, see Quota) → VOD logic.
//
// The lockout is the emulator's reading of Huawei's API Gateway docs: after
// more than 5 consecutive failed signatures from an access key, every
// request with that key is refused with 401 APIGW.0301 and the gateway's
// LockoutMessage for 5 minutes of the emulator's clock, good signatures
// included; a good signature before that resets the count.
//
// Every error body carries request_id, equal to the X-Request-Id header, as
// the gateway's do.
package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// LockoutMessage is the gateway's error_msg for a locked access key (API
// Gateway's "Common Errors Related to IAM Authentication Information").
const LockoutMessage = "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden."

// Defaults applied by New for zero Config fields.
const (
	DefaultProcessingTime = 2 * time.Second
	DefaultMaxClockSkew   = 15 * time.Minute
	// MaxBodyBytes bounds request bodies; a preheat body is tiny.
	MaxBodyBytes = 1 << 20
)

// Config describes the single tenant the emulator serves.
type Config struct {
	AccessKey string
	SecretKey string
	ProjectID string
	// SecurityToken, when non-empty, makes the credentials temporary: every
	// request must carry a signed X-Security-Token equal to it. When empty,
	// a request that sends a token is refused.
	SecurityToken string
	// ProcessingTime is how long a task's simulated URLs take to end, counted
	// from its creation or seeding; they end one by one over it (see URLSeed).
	// Zero means DefaultProcessingTime (2s); a negative value means URLs
	// finish immediately.
	ProcessingTime time.Duration
	// Now is the emulator's clock (default time.Now); tests swap it to move
	// time forward or to make a client's X-Sdk-Date look stale.
	Now func() time.Time
	// MaxClockSkew is the largest accepted |Now - X-Sdk-Date|; zero means 15m.
	MaxClockSkew time.Duration
	// Quota is the tenant's API rate limits; all off when zero.
	Quota Quota
	// Logf, when set, receives one line per request and the reason for each
	// rejected signature. Secrets are never passed to it.
	Logf func(format string, args ...any)

	// TemporaryKeyLifetime, when set, makes the ECS metadata path hand out
	// temporary keys valid that long, which the signature check accepts
	// until they expire (identity.go). ProjectName is the project's IAM name
	// (default DefaultProjectName); IAMDenied makes IAM refuse lookups (iam.go).
	TemporaryKeyLifetime time.Duration
	ProjectName          string
	IAMDenied            bool
	// MetadataToken says how the metadata path treats session tokens
	// (identity.go): accepted but not required (the default), required, or
	// an older service without the token endpoint.
	MetadataToken MetadataTokenMode
	// SigningAlgorithm is the tenant's: HmacSHA256 (default), HmacSM3,
	// EcdsaP256SHA256 or SM2SM3 (algorithms.go). Requests signed with
	// another are refused.
	SigningAlgorithm string
	// UppercaseStatus makes queries spell the statuses as the SDKs' enums
	// do (PROCESSING, SUCCEED, FAILED) instead of the lowercase the API
	// reference shows (tasks.go).
	UppercaseStatus bool
}

// RecordedRequest is what the emulator remembers about each request; it holds
// no headers or bodies so no secret can leak through it.
type RecordedRequest struct {
	Method    string
	Path      string
	Query     string // raw query string
	Status    int    // status answered; 0 if the client went away during a fault delay
	RequestID string // the X-Request-Id sent back
	Faulted   bool   // an injected fault was consumed by this request
	// RemoteAddr is the client's address: requests that share it came over
	// one connection, so from one client.
	RemoteAddr string
}

// Server is the emulator; it implements http.Handler and is safe for
// concurrent use.
type Server struct {
	cfg      Config
	verifier Verifier
	identity identity

	mu       sync.Mutex
	tasks    map[string]*task
	faults   []Fault
	received int
	records  []RecordedRequest
	quota    *QuotaGate
	// throttled counts requests refused by the quota.
	throttled int
	// connections counts connections accepted by Start's listener.
	connections atomic.Int64
	skew        time.Duration // added to cfg.Now for signatures and Date
	queryStatus int           // status of a successful query
	unknownTask *unknownTaskAnswer
	lock        lockout
	preheats    map[string]int // times each URL was preheated (tasks.go)
	script      AnswerScript   // how queries list URLs (answer_script.go)
	refresh     refreshState   // refresh tasks and what they refreshed (refresh.go)
}

// New returns an emulator for cfg, filling defaults for zero fields.
func New(cfg Config) *Server {
	if cfg.ProcessingTime == 0 {
		cfg.ProcessingTime = DefaultProcessingTime
	}
	if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:         cfg,
		tasks:       make(map[string]*task),
		quota:       NewQuotaGate(cfg.Quota),
		queryStatus: http.StatusOK,
	}
	s.verifier = Verifier{
		AccessKey:     cfg.AccessKey,
		SecretKey:     cfg.SecretKey,
		SecurityToken: cfg.SecurityToken,
		MaxClockSkew:  cfg.MaxClockSkew,
		Now:           s.now,
		Algorithm:     cfg.SigningAlgorithm,
		Temporary:     s.temporary,
	}
	return s
}

// now is the emulator's clock as a client's signature is judged by it.
func (s *Server) now() time.Time {
	s.mu.Lock()
	skew := s.skew
	s.mu.Unlock()
	return s.cfg.Now().Add(skew)
}

// RequestCount is the number of requests received so far, rejected and
// faulted ones included (counted on arrival, so in-flight ones count too).
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// Requests returns a copy of the finished requests in completion order (the
// most recent ones, when there were more than maxRecords).
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RecordedRequest(nil), s.records...)
}

// ServeHTTP answers one request like API Gateway in front of VOD.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The metadata service and IAM share the emulator's address but not
	// VOD's gateway: no faults, no request history.
	switch r.URL.Path {
	case MetadataSecurityKeyPath:
		s.serveMetadata(w, r)
		return
	case MetadataTokenPath:
		s.serveMetadataToken(w, r)
		return
	case IAMProjectsPath:
		s.serveIAM(w, r)
		return
	}
	requestID := newHexID()
	w.Header().Set("X-Request-Id", requestID)
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	sw := &statusWriter{ResponseWriter: w}

	fault, faulted := s.arrive()
	defer func() {
		s.finish(RecordedRequest{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Status: sw.status, RequestID: requestID, Faulted: faulted, RemoteAddr: r.RemoteAddr,
		})
	}()

	if faulted && !s.applyFault(sw, r, fault) {
		return
	}
	s.serve(sw, r)
}

// arrive counts the request and pops the next queued fault, if any.
func (s *Server) arrive() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received++
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// maxRecords bounds the request history, so a long-running emulator does
// not grow without end; tests look at far fewer.
const maxRecords = 10000

func (s *Server) finish(rec RecordedRequest) {
	s.mu.Lock()
	if len(s.records) == maxRecords {
		s.records = append(s.records[:0], s.records[maxRecords/2:]...)
	}
	s.records = append(s.records, rec)
	s.mu.Unlock()
	s.logf("%s %s -> %d (request id %s)", rec.Method, rec.Path, rec.Status, rec.RequestID)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	projectID, api, ok := matchRoute(r)
	if !ok {
		writeError(w, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment")
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "APIGW.0201", "Request entity too large")
			return
		}
		writeError(w, http.StatusBadRequest, "APIGW.0201", "Bad request: the request body could not be read")
		return
	}

	if err := s.authenticate(r, body); err != nil {
		s.logf("rejected %s %s: %v", r.Method, r.URL.Path, err)
		msg := "Incorrect IAM authentication information: verify aksk signature fail"
		if errors.Is(err, ErrAccessKeyLocked) {
			msg = LockoutMessage
		}
		writeError(w, http.StatusUnauthorized, "APIGW.0301", msg)
		return
	}
	// A project other than the credentials' own is an authentication failure
	// (401, not 403) so that clients never retry it, as with a bad signature.
	header := r.Header.Get(HeaderProjectID)
	if projectID != s.cfg.ProjectID || (header != "" && header != s.cfg.ProjectID) {
		s.logf("rejected %s %s: project id does not match the credentials", r.Method, r.URL.Path)
		writeError(w, http.StatusUnauthorized, "APIGW.0301",
			"Incorrect IAM authentication information: the project id does not match the credentials")
		return
	}

	if !s.admit(w, api) {
		return
	}

	switch api {
	case APIPreheatQuery:
		s.handleQuery(w, r)
	case APIPreheatCreate:
		s.handleCreate(w, body)
	case APIRefreshQuery:
		s.handleRefreshQuery(w, r)
	case APIRefreshCreate:
		s.handleRefreshCreate(w, body)
	}
}

// matchRoute accepts GET and POST on /v1.0/{project_id}/asset/preheating and
// on /v1/{project_id}/asset/refresh, and returns the project id and the API
// (one of the API* names). The gateway publishes APIs per method and path,
// so a wrong method is "API does not exist" too.
func matchRoute(r *http.Request) (projectID, api string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return "", "", false
	}
	parts := strings.Split(r.URL.Path, "/")
	if len(parts) != 5 || parts[0] != "" || parts[2] == "" || parts[3] != "asset" {
		return "", "", false
	}
	create := r.Method == http.MethodPost
	switch {
	case parts[1] == "v1.0" && parts[4] == "preheating" && create:
		return parts[2], APIPreheatCreate, true
	case parts[1] == "v1.0" && parts[4] == "preheating":
		return parts[2], APIPreheatQuery, true
	case parts[1] == "v1" && parts[4] == "refresh" && create:
		return parts[2], APIRefreshCreate, true
	case parts[1] == "v1" && parts[4] == "refresh":
		return parts[2], APIRefreshQuery, true
	}
	return "", "", false
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// errorBody is the error shape shared by the gateway and VOD. The gateway
// repeats the X-Request-Id header's value in request_id.
type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError answers an error body carrying the request id already set in
// w's X-Request-Id header.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{ErrorCode: code, ErrorMsg: msg, RequestID: w.Header().Get("X-Request-Id")})
}

// writeJSON streams v to w; URLs are left unescaped ('&' stays '&').
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a write error means the client left; nothing to do
}

// errorJSON renders an error body as bytes, for faults.
func errorJSON(code, msg, requestID string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{ErrorCode: code, ErrorMsg: msg, RequestID: requestID})
	return buf.String()
}

// statusWriter remembers the status written, for RecordedRequest.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
