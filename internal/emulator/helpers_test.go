package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

const (
	testAK  = "AKTESTEXAMPLE"
	testSK  = "SKTESTEXAMPLE"
	testPID = "0123456789abcdef0123456789abcdef"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is an emulator behind httptest with a fake clock.
type harness struct {
	srv   *Server
	clock *fakeClock
	url   string
}

func newHarness(t *testing.T, mutate func(*Config)) *harness {
	t.Helper()
	clock := newFakeClock()
	cfg := Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID,
		ProcessingTime: 10 * time.Second, Now: clock.Now}
	if mutate != nil {
		mutate(&cfg)
	}
	srv := New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &harness{srv: srv, clock: clock, url: ts.URL}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// errorCode decodes the error_code of a JSON error body.
func (r reply) errorCode(t *testing.T) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e.ErrorCode
}

// requestIDInBody decodes the request_id of a JSON error body.
func (r reply) requestIDInBody(t *testing.T) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e.RequestID
}

// send performs a request signed with the harness credentials at the fake
// clock's time; sign=false sends it unsigned.
func (h *harness) send(t *testing.T, method, pathAndQuery, body string, sign bool) reply {
	t.Helper()
	r, err := h.trySend(method, pathAndQuery, body, sign)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// trySend is send for goroutines other than the test's own.
func (h *harness) trySend(method, pathAndQuery, body string, sign bool) (reply, error) {
	r, err := http.NewRequest(method, h.url+pathAndQuery, bytes.NewReader([]byte(body)))
	if err != nil {
		return reply{}, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(HeaderProjectID, testPID)
	if sign {
		if err := signHeaders(r, []byte(body), testAK, testSK, h.clock.Now()); err != nil {
			return reply{}, err
		}
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	if id := resp.Header.Get("X-Request-Id"); !hex32.MatchString(id) {
		return reply{}, fmt.Errorf("X-Request-Id = %q, want 32 hex", id)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

const preheatPath = "/v1.0/" + testPID + "/asset/preheating"

func (h *harness) create(t *testing.T, body string) reply {
	return h.send(t, http.MethodPost, preheatPath, body, true)
}

func (h *harness) query(t *testing.T, taskID string) reply {
	return h.send(t, http.MethodGet, preheatPath+"?task_id="+taskID, "", true)
}

// results decodes a successful query.
func (r reply) results(t *testing.T) []URLSeed {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("query status %d: %s", r.status, r.body)
	}
	var out struct {
		PreheatingResults []URLSeed `json:"preheating_results"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.PreheatingResults
}

func (r reply) taskID(t *testing.T) string {
	t.Helper()
	if r.status != http.StatusAccepted {
		t.Fatalf("create status %d: %s", r.status, r.body)
	}
	var out struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if !hex32.MatchString(out.TaskID) {
		t.Fatalf("task_id %q is not 32 hex", out.TaskID)
	}
	return out.TaskID
}

func statuses(results []URLSeed) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = r.Status
	}
	return out
}
