package vod

// One test per fault of the emulator that the client must survive: each
// injects the fault, counts the requests the emulator saw and checks what the
// caller is told.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

var requestIDPattern = regexp.MustCompile(`X-Request-Id [0-9a-f]{32}`)

// expectExhausted checks that a query facing fault on every attempt was
// sent 1+MaxRetries times and ended with an error containing wants.
func expectExhausted(t *testing.T, h *harness, fault emulator.Fault, wants ...string) error {
	t.Helper()
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	attempts := h.client.cfg.MaxRetries + 1
	h.emu.InjectFaults(attempts, fault)
	_, err := h.client.QueryPreheating(context.Background(), testTask)
	var exhausted *RetriesExhaustedError
	if !errors.As(err, &exhausted) || exhausted.Attempts != attempts {
		t.Fatalf("err = %v, want RetriesExhaustedError after %d attempts", err, attempts)
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if n := h.emu.RequestCount(); n != attempts {
		t.Errorf("the emulator saw %d requests, want %d", n, attempts)
	}
	if len(h.sleeps) != attempts-1 {
		t.Errorf("slept %v, want %d backoffs", h.sleeps, attempts-1)
	}
	// And the same fault once is survived by a retry.
	h.emu.InjectFaults(1, fault)
	if task, err := h.client.QueryPreheating(context.Background(), testTask); err != nil || !task.AllSucceeded() {
		t.Errorf("one %v then a good answer: %v", fault.Status, err)
	}
	return err
}

func TestFaultThrottlingWithAndWithoutRetryAfter(t *testing.T) {
	for name, retryAfter := range map[string]string{"with Retry-After": "2", "without Retry-After": ""} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2 })
			err := expectExhausted(t, h, emulator.Fault429(retryAfter), "HTTP 429", "APIGW.0308", "throttling")
			if !requestIDPattern.MatchString(err.Error()) {
				t.Errorf("no request id in %q", err)
			}
			if retryAfter == "2" && (h.sleeps[0] != 2*time.Second || h.sleeps[1] != 2*time.Second) {
				t.Errorf("slept %v, want the 2s Retry-After", h.sleeps)
			}
		})
	}
}

func TestFaultServerErrors(t *testing.T) {
	cases := []struct {
		name  string
		fault emulator.Fault
		wants []string
	}{
		{"500 VOD.10051", emulator.FaultJSON(500, "VOD.10051", "System error."), []string{"HTTP 500", "error_code VOD.10051"}},
		{"500 HTML", emulator.FaultHTML(500), []string{"HTTP 500", `non-JSON body "500 Internal Server Error"`}},
		{"502 JSON", emulator.FaultJSON(502, "APIGW.0601", "Bad gateway"), []string{"HTTP 502", "error_code APIGW.0601"}},
		{"502 HTML", emulator.FaultHTML(502), []string{"HTTP 502", `non-JSON body "502 Bad Gateway"`}},
		{"502 empty", emulator.FaultEmpty(502), []string{"HTTP 502", "empty body"}},
		{"503 APIGW.0613", emulator.Fault{Status: 503}, []string{"HTTP 503", "error_code APIGW.0613"}},
		{"503 HTML", emulator.Fault503HTML(), []string{"HTTP 503", `non-JSON body "503 Service Temporarily Unavailable"`}},
		{"504 HTML", emulator.FaultHTML(504), []string{"HTTP 504", `non-JSON body "504 Gateway Timeout"`}},
		{"504 empty", emulator.FaultEmpty(504), []string{"HTTP 504", "empty body"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2 })
			err := expectExhausted(t, h, tc.fault, tc.wants...)
			if !requestIDPattern.MatchString(err.Error()) || strings.Contains(err.Error(), "<") {
				t.Errorf("want a request id and no HTML in %q", err)
			}
			if h.sleeps[1] < h.sleeps[0]/2*2 && h.sleeps[1] < time.Second {
				t.Errorf("backoff did not grow: %v", h.sleeps)
			}
		})
	}
}

func TestFaultConnectionResets(t *testing.T) {
	for name, tc := range map[string]struct {
		brk  emulator.Break
		want string
	}{
		"before the answer": {emulator.ResetBeforeAnswer, "connection reset before the answer"},
		"mid-body":          {emulator.ResetMidBody, "connection broken mid-body, after 65 bytes of the HTTP 200 answer"},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2 })
			err := expectExhausted(t, h, emulator.FaultReset(tc.brk), tc.want)
			var transportErr *TransportError
			if !errors.As(err, &transportErr) {
				t.Errorf("err = %T, want a TransportError", err)
			}
		})
	}
}

// refusedClient is a client, with max_retries 2, of an address where
// nothing listens any more; attempts counts its attempts.
func refusedClient(t *testing.T, attempts *int) *Client {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	endpoint := srv.URL
	srv.Close() // nothing listens there any more
	client, err := New(Config{Endpoint: endpoint, ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, MaxRetries: 2,
		Logger: func(context.Context, CallLog) { *attempts++ }})
	if err != nil {
		t.Fatal(err)
	}
	client.sleep = func(context.Context, time.Duration) error { return nil }
	return client
}

func TestFaultConnectionRefused(t *testing.T) {
	var attempts int
	_, err := refusedClient(t, &attempts).QueryPreheating(context.Background(), testTask)
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || attempts != 3 || !strings.Contains(err.Error(), "gave up after 3 attempts") ||
		!strings.Contains(err.Error(), ": connection refused: ") {
		t.Fatalf("err = %v after %d attempts", err, attempts)
	}
}

// A create whose connection was refused never reached VOD: it is retried
// like a query and, when every attempt was refused, says that no preheat
// was started (not that one may have been).
func TestFaultConnectionRefusedOnACreateIsRetriedAndNotSent(t *testing.T) {
	var attempts int
	_, err := refusedClient(t, &attempts).CreatePreheating(context.Background(), "", []string{"https://cdn.example.com/a.mp4"})
	if !IsNotSent(err) || attempts != 3 || !strings.Contains(err.Error(), "the create request never reached VOD") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v after %d attempts; want a not-sent error after 3", err, attempts)
	}
}

func TestFaultStallPastTheRequestTimeout(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 2; c.AttemptTimeout = 300 * time.Millisecond })
	err := expectExhausted(t, h, emulator.FaultStall(), "no answer within 300ms (the request timeout), attempt 3 of 3")
	var timeoutErr *AttemptTimeoutError
	if !errors.As(err, &timeoutErr) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v: want an AttemptTimeoutError that is not the caller's deadline", err)
	}
}

func TestFaultUndecodableAnswers(t *testing.T) {
	cases := []struct {
		name   string
		fault  emulator.Fault
		wants  []string
		status int
	}{
		{"200 truncated JSON", emulator.FaultTruncatedJSON(200), []string{"could not decode the 200 answer:", `first bytes: "{\"preheating_results\": [{\"url\":`}, 200},
		{"202 truncated JSON", emulator.FaultTruncatedJSON(202), []string{"could not decode the 202 answer:"}, 202},
		{"200 HTML", emulator.FaultHTML(200), []string{"could not decode the 200 answer:", "(Content-Type text/html)", `first bytes: "<html>`}, 200},
		{"200 empty", emulator.FaultEmpty(200), []string{"could not decode the 200 answer: the answer has no preheating_results"}, 200},
		{"200 over 32 MiB", emulator.FaultHugeBody(200, 33<<20), []string{"could not decode the 200 answer: the body is over 32 MiB"}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 1 })
			err := expectExhausted(t, h, tc.fault, tc.wants...)
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) || decodeErr.HTTPStatus != tc.status || !requestIDPattern.MatchString(err.Error()) {
				t.Fatalf("err = %v, want a DecodeError of the %d answer with its request id", err, tc.status)
			}
		})
	}
}

// TestFaultHugeBodyMemoryIsBounded offers a 1 GiB answer: the client must
// stop at the limit, never holding the body past it.
func TestFaultHugeBodyMemoryIsBounded(t *testing.T) {
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = 0 })
	h.emu.InjectFaults(1, emulator.FaultHugeBody(200, 1<<30))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := h.client.QueryPreheating(context.Background(), testTask)
	runtime.ReadMemStats(&after)
	if !strings.Contains(err.Error(), "the body is over 32 MiB") {
		t.Fatalf("err = %v", err)
	}
	// Reading 32 MiB with io.ReadAll allocates about twice that; the whole
	// 1 GiB would be far more.
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 200<<20 {
		t.Fatalf("allocated %d MiB for a body capped at 32 MiB", allocated>>20)
	}
}

func TestFaultFinalAnswersAreSentOnceWithAHint(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(h *harness)
		adjust  func(*Config)
		wants   []string
	}{
		{"401 wrong key", func(*harness) {}, func(c *Config) { c.SecretKey = "not-the-secret" },
			[]string{"HTTP 401", "APIGW.0301", "secret_key", "clock", "locks an access key"}},
		{"403", func(h *harness) { h.emu.InjectFaults(1, emulator.Fault{Status: 403}) }, nil,
			[]string{"HTTP 403", "APIGW.0302", "IAM permissions"}},
		{"400 unknown task", func(h *harness) { h.emu.SeedTask("other", nil) }, nil,
			[]string{"HTTP 400", "VOD.10053", "task_id does not exist"}},
		{"404", func(h *harness) { h.emu.InjectFaults(1, emulator.Fault{Status: 404}) }, nil,
			[]string{"HTTP 404", "APIGW.0101", "check endpoint"}},
		{"clock 20 minutes off", func(h *harness) { h.emu.SkewClock(20 * time.Minute) }, nil,
			[]string{"HTTP 401", "The server's clock (its Date header) is about 20 minutes ahead of this machine's: fix the clock"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Config{}, tc.adjust)
			tc.prepare(h)
			_, err := h.client.QueryPreheating(context.Background(), testTask)
			if _, ok := AsAPIError(err); !ok {
				t.Fatalf("err = %v, want an APIError", err)
			}
			for _, want := range tc.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if n := h.emu.RequestCount(); n != 1 {
				t.Errorf("%d requests, want exactly 1", n)
			}
		})
	}
}

func TestFaultQueryAnswered202(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	h.emu.AnswerQueriesWith(http.StatusAccepted)
	task, err := h.client.QueryPreheating(context.Background(), testTask)
	if err != nil || !task.AllSucceeded() || h.calls[0].Status != http.StatusAccepted {
		t.Fatalf("task %+v, err %v, calls %+v", task, err, h.calls)
	}
}
