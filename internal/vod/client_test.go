package vod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	testAK      = "AKTESTEXAMPLE"
	testSK      = "SKTESTEXAMPLE"
	testProject = "0123456789abcdef0123456789abcdef"
	testTask    = "5199337c31c8e4622f1590735b13a263"
)

// harness is a client wired to an in-process emulator, with its sleeps and
// log lines recorded instead of slept and written.
type harness struct {
	emu    *emulator.Server
	client *Client
	mu     sync.Mutex
	calls  []CallLog
	sleeps []time.Duration
}

func newHarness(t testing.TB, emuConfig emulator.Config, adjust func(*Config)) *harness {
	t.Helper()
	emuConfig.AccessKey, emuConfig.ProjectID = testAK, testProject
	if emuConfig.SecretKey == "" {
		emuConfig.SecretKey = testSK
	}
	if emuConfig.ProcessingTime == 0 {
		emuConfig.ProcessingTime = time.Hour
	}
	h := &harness{emu: emulator.New(emuConfig)}
	srv := httptest.NewServer(h.emu)
	t.Cleanup(srv.Close)
	cfg := Config{
		Endpoint: srv.URL, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRetries: 3,
		Logger: func(_ context.Context, call CallLog) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.calls = append(h.calls, call)
		},
	}
	if adjust != nil {
		adjust(&cfg)
	}
	client, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	client.sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		h.mu.Unlock()
		return ctx.Err()
	}
	// The limiters' pauses are measured in limiter_test.go, not here: a
	// request that slept until its slot takes it.
	for _, l := range client.limiters {
		l.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	h.client = client
	return h
}

func TestQueryPreheatingKeepsOrderAndUnknownStatuses(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{
		{URL: "https://cdn.example.com/b.mp4", Status: "failed"},
		{URL: "https://cdn.example.com/a.mp4", Status: "queued"},
		{URL: "https://cdn.example.com/c.mp4", Status: "succeed"},
	})
	task, err := h.client.QueryPreheating(context.Background(), testTask)
	if err != nil {
		t.Fatal(err)
	}
	want := []URLStatus{
		{"https://cdn.example.com/b.mp4", "failed"},
		{"https://cdn.example.com/a.mp4", "queued"},
		{"https://cdn.example.com/c.mp4", "succeed"},
	}
	if fmt.Sprint(task.Results) != fmt.Sprint(want) || task.ID != testTask {
		t.Fatalf("got %+v, want %+v", task, want)
	}
}

func TestQueryPreheatingLargeTask(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	seeds := make([]emulator.URLSeed, 10000)
	for i := range seeds {
		seeds[i] = emulator.URLSeed{URL: fmt.Sprintf("https://cdn.example.com/%05d.ts", i), Status: "succeed"}
	}
	h.emu.SeedTask(testTask, seeds)
	task, err := h.client.QueryPreheating(context.Background(), testTask)
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Results) != 10000 || task.Results[9999].URL != "https://cdn.example.com/09999.ts" || !task.AllSucceeded() {
		t.Fatalf("got %d results, last %+v", len(task.Results), task.Results[len(task.Results)-1])
	}
}

func TestCreatePreheatingThenQuery(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	id, err := h.client.CreatePreheating(context.Background(), "", []string{"https://cdn.example.com/a.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	task, err := h.client.QueryPreheating(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 32 || len(task.Results) != 1 || task.Results[0].Status != StatusProcessing {
		t.Fatalf("id %q, task %+v", id, task)
	}
}

func TestCreatePreheatingRejectsBadInputBeforeSending(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("https://cdn.example.com/%d.mp4", i)
	}
	if _, err := h.client.CreatePreheating(context.Background(), "", eleven); err == nil || !strings.Contains(err.Error(), "at most 10 URLs, got 11") {
		t.Errorf("11 URLs: err = %v", err)
	}
	if _, err := h.client.CreatePreheating(context.Background(), "", nil); err == nil {
		t.Error("no asset and no URL: want an error")
	}
	if n := h.emu.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

// TestCreatePreheatingIsNotRetriedOnServerError is the one test that a create
// is sent once after a server-side failure (VOD may have created the task):
// the provider's describeCreateError words it for the user.
func TestCreatePreheatingIsNotRetriedOnServerError(t *testing.T) {
	for name, fault := range map[string]emulator.Fault{
		"500":           emulator.Fault500(),
		"502 HTML":      emulator.FaultHTML(http.StatusBadGateway),
		"503":           {Status: http.StatusServiceUnavailable},
		"403 VOD.10051": emulator.FaultJSON(http.StatusForbidden, "VOD.10051", "System error."),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, nil)
			h.emu.InjectFaults(5, fault)
			_, err := h.client.CreatePreheating(context.Background(), "asset-1", nil)
			if apiErr, ok := AsAPIError(err); !ok || apiErr.HTTPStatus != fault.Status || !apiErr.ServerFault() {
				t.Fatalf("err = %v, want the %d as a server fault", err, fault.Status)
			}
			if errors.As(err, new(*RetriesExhaustedError)) {
				t.Errorf("a create sent once reports retries: %v", err)
			}
			if n := h.emu.RequestCount(); n != 1 {
				t.Fatalf("%d requests: a create must not be repeated after a %d (it may have been done)", n, fault.Status)
			}
		})
	}
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.InjectFaults(1, emulator.Fault429("1"))
	if _, err := h.client.CreatePreheating(context.Background(), "asset-1", nil); err != nil || h.emu.RequestCount() != 2 {
		t.Fatalf("a throttled create is retried: %v after %d requests", err, h.emu.RequestCount())
	}
}

func TestUnauthorizedIsNotRetried(t *testing.T) {
	h := newHarness(t, emulator.Config{SecretKey: "the-real-secret"}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	_, err := h.client.QueryPreheating(context.Background(), testTask)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.HTTPStatus != 401 || apiErr.ErrorCode != "APIGW.0301" || len(apiErr.RequestID) != 32 {
		t.Fatalf("err = %#v", err)
	}
	if n := h.emu.RequestCount(); n != 1 {
		t.Fatalf("%d requests, want 1: a retried 401 locks the access key", n)
	}
	for _, secret := range []string{testSK, "the-real-secret"} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("the error shows a secret: %v", err)
		}
	}
}

func TestThrottlingHonoursRetryAfter(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	h.emu.InjectFaults(1, emulator.Fault429("7"))
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if len(h.sleeps) != 1 || h.sleeps[0] != 7*time.Second {
		t.Fatalf("slept %v, want exactly the 7s Retry-After", h.sleeps)
	}
}

func TestServerErrorsBackOffThenGiveUp(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2 })
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	h.emu.InjectFaults(5, emulator.Fault503HTML())
	_, err := h.client.QueryPreheating(context.Background(), testTask)
	var exhausted *RetriesExhaustedError
	if !errors.As(err, &exhausted) || exhausted.Attempts != 3 {
		t.Fatalf("err = %v, want RetriesExhaustedError after 3 attempts", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "HTTP 503") || !strings.Contains(msg, `"503 Service Temporarily Unavailable"`) || strings.Contains(msg, "<") {
		t.Fatalf("want a readable 503 message without HTML, got %q", msg)
	}
	if n := h.emu.RequestCount(); n != 3 || len(h.sleeps) != 2 {
		t.Fatalf("requests %d, sleeps %v", n, h.sleeps)
	}
}

func TestCancellationStopsTheRequestInFlight(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	h.emu.InjectFaults(1, emulator.FaultDelay(time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel once the emulator holds the request, not after a guess.
		for h.emu.RequestCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err := h.client.QueryPreheating(ctx, testTask)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("returned after %s; the request in flight was not cancelled", elapsed)
	}
	if n := h.emu.RequestCount(); n != 1 {
		t.Fatalf("%d requests: nothing may be sent after cancellation", n)
	}
}

func TestRetryAfterBeyondTheDeadlineFailsAtOnce(t *testing.T) {
	// 18446744074 s overflowed time.Duration into 290ms before it was capped.
	for _, retryAfter := range []string{"3600", "18446744074", "99999999999999999999999"} {
		h := newHarness(t, emulator.Config{}, nil)
		h.emu.InjectFaults(1, emulator.Fault429(retryAfter))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := h.client.QueryPreheating(ctx, testTask)
		cancel()
		var beyond *RetryBeyondDeadlineError
		if !errors.As(err, &beyond) || !beyond.RetryAfter || beyond.Delay < time.Hour ||
			!strings.Contains(err.Error(), "after the deadline") || len(h.sleeps) != 0 || h.emu.RequestCount() != 1 {
			t.Fatalf("Retry-After %s: err = %v, sleeps %v", retryAfter, err, h.sleeps)
		}
	}
}

// TestWaitReportsARetryBeyondItsDeadline: a wait whose query gives up because
// the next retry would land after the deadline still ends with the wait's
// report, not the API error.
func TestWaitReportsARetryBeyondItsDeadline(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "processing"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	polls := 0
	_, err := Wait(ctx, testTask, time.Millisecond, func(ctx context.Context) (Task, error) {
		polls++
		if polls == 2 {
			h.emu.InjectFaults(1, emulator.Fault429("3600"))
		}
		return h.client.QueryPreheating(ctx, testTask)
	})
	var waitErr *WaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the wait's timeout report", err)
	}
	for _, want := range []string{"timed out after", "(2 polls)", "last seen: 1 URL: 1 processing", "still pending: https://cdn.example.com/a.mp4",
		"last error: the query request never reached VOD: not retrying: the next attempt would start in 1h (the server's Retry-After), after the deadline"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestSecurityTokenIsSent(t *testing.T) {
	h := newHarness(t, emulator.Config{SecurityToken: "TOKENEXAMPLE"}, func(c *Config) { c.SecurityToken = "TOKENEXAMPLE" })
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
}

func TestCallLogsCarryNoSecrets(t *testing.T) {
	h := newHarness(t, emulator.Config{SecurityToken: "TOKENEXAMPLE"}, func(c *Config) { c.SecurityToken = "TOKENEXAMPLE" })
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	h.emu.InjectFaults(1, emulator.Fault429("1"))
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if len(h.calls) != 2 || h.calls[0].Status != 429 || h.calls[1].Status != 200 || h.calls[1].Attempt != 2 || h.calls[1].RequestID == "" {
		t.Fatalf("calls = %+v", h.calls)
	}
	logged := fmt.Sprintf("%+v", h.calls)
	for _, secret := range []string{testSK, "TOKENEXAMPLE", "Signature", "Authorization"} {
		if strings.Contains(logged, secret) {
			t.Fatalf("call logs contain %q: %s", secret, logged)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	good := Config{Endpoint: "https://vod.cn-north-4.myhuaweicloud.com", ProjectID: "p", AccessKey: "ak", SecretKey: "sk"}
	cases := map[string]func(*Config){
		"empty endpoint":   func(c *Config) { c.Endpoint = "" },
		"relative":         func(c *Config) { c.Endpoint = "vod.example.com" },
		"query":            func(c *Config) { c.Endpoint = "https://vod.example.com/?x=1" },
		"path":             func(c *Config) { c.Endpoint = "https://gateway.example.com/vod" },
		"no project":       func(c *Config) { c.ProjectID = "" },
		"no secret":        func(c *Config) { c.SecretKey = "" },
		"negative retries": func(c *Config) { c.MaxRetries = -1 },
	}
	for name, breakIt := range cases {
		cfg := good
		breakIt(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if _, err := New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
}

func TestParseEndpointKeepsBaseURLsOnly(t *testing.T) {
	for raw, want := range map[string]string{
		"https://vod.example.com":  "https://vod.example.com",
		"https://vod.example.com/": "https://vod.example.com",
		"http://127.0.0.1:8080//":  "http://127.0.0.1:8080",
	} {
		if got, err := ParseEndpoint(raw); err != nil || got != want {
			t.Errorf("ParseEndpoint(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	// The SDK would drop the path and call the host's root instead.
	_, err := ParseEndpoint("https://gateway.example.com/vod")
	if err == nil || !strings.Contains(err.Error(), "without a path") {
		t.Fatalf("an endpoint with a path: got %v, want an error saying it must have no path", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for value, want := range map[string]time.Duration{
		"": 0, "3": 3 * time.Second, "-1": 0, "soon": 0, " 4 ": 4 * time.Second,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		// Capped rather than overflowed (18446744074s wrapped to 290ms).
		"86400": 24 * time.Hour, "86401": 24 * time.Hour, "18446744074": 24 * time.Hour, "99999999999999999999999": 24 * time.Hour,
		now.Add(1000 * time.Hour).Format(http.TimeFormat): 24 * time.Hour,
	} {
		if got := parseRetryAfter(value, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", value, got, want)
		}
	}
}

// answerWith is a transport that answers every request with one canned body.
type answerWith struct {
	status int
	body   []byte
}

func (a answerWith) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"rid"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// FuzzQueryAnswerDecoding feeds arbitrary 2xx bodies to a query: it either
// returns the task or a DecodeError naming the status and the body's start.
func FuzzQueryAnswerDecoding(f *testing.F) {
	f.Add(200, []byte(`{"preheating_results": [{"url": "https://cdn.example.com/a.mp4", "status": "succeed"}]}`))
	f.Add(202, []byte(`{"preheating_results": []}`))
	f.Add(200, []byte(`{"preheating_results": [{"url": "https://cdn.exa`))
	f.Add(200, []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(200, []byte(``))
	f.Add(200, []byte(`{"preheating_results": [{"url": 1, "status": null}]}`))
	f.Add(204, []byte(`null`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 299 {
			return
		}
		c, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: testProject, AccessKey: testAK, SecretKey: testSK})
		if err != nil {
			t.Fatal(err)
		}
		c.transport = answerWith{status, body}
		task, err := c.QueryPreheating(context.Background(), testTask)
		if err == nil {
			if task.Results == nil || !json.Valid(body) {
				t.Fatalf("accepted %q as %+v", body, task)
			}
			return
		}
		var decodeErr *DecodeError
		if !errors.As(err, &decodeErr) || decodeErr.HTTPStatus != status || !strings.HasPrefix(string(body), decodeErr.FirstBytes) ||
			decodeErr.RequestID != "rid" {
			t.Fatalf("body %q: err = %v (%T), want a DecodeError", body, err, err)
		}
	})
}

// Terraform reads up to -parallelism (default 10) data sources at once; the
// connections they used must stay open for the next ones, not be closed and
// dialled again (HTTP/1.1, as to the emulator or through a proxy).
func TestConcurrentQueriesReuseTheirConnections(t *testing.T) {
	const parallel, rounds = 16, 3
	emu := emulator.New(emulator.Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, ProcessingTime: time.Hour})
	emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	// Each round's requests wait in the handler until all of them arrived,
	// so that the round holds `parallel` connections at once.
	var (
		mu      sync.Mutex
		arrived int
		allIn   = make(chan struct{})
		opened  atomic.Int64
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gate := allIn
		if arrived++; arrived == parallel {
			close(allIn)
		}
		mu.Unlock()
		select {
		case <-gate:
		case <-time.After(10 * time.Second):
		}
		emu.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	client, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The pace's slow start lets `parallel` requests in flight after as
	// many answers: one connection, reused, before the rounds.
	for range parallel {
		close(allIn)
		if _, err := client.QueryPreheating(ctx, testTask); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		arrived, allIn = 0, make(chan struct{})
		mu.Unlock()
	}
	for range rounds {
		var wg sync.WaitGroup
		for range parallel {
			wg.Go(func() {
				if _, err := client.QueryPreheating(ctx, testTask); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		mu.Lock()
		arrived, allIn = 0, make(chan struct{})
		mu.Unlock()
	}
	if got := opened.Load(); got > parallel {
		t.Errorf("%d connections opened for %d rounds of %d concurrent queries, want at most %d", got, rounds, parallel, parallel)
	}
}
