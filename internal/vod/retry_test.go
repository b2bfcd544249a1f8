package vod

// Unit tests of retry.go: which errors are retried, the pause before a
// retry, and send run directly against the emulator (newHarness in
// client_test.go records the pauses instead of sleeping them).

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	vodsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vod/v1/model"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

func TestRetryPolicies(t *testing.T) {
	beyond := &RetryBeyondDeadlineError{Delay: time.Hour, Last: &APIError{HTTPStatus: http.StatusTooManyRequests}}
	for name, tc := range map[string]struct {
		err error
		all bool
	}{
		"429":                     {err: &APIError{HTTPStatus: http.StatusTooManyRequests}, all: true},
		"wrapped 429":             {err: fmt.Errorf("query: %w", &APIError{HTTPStatus: http.StatusTooManyRequests}), all: true},
		"500":                     {err: &APIError{HTTPStatus: http.StatusInternalServerError}, all: true},
		"503":                     {err: &APIError{HTTPStatus: http.StatusServiceUnavailable}, all: true},
		"401":                     {err: &APIError{HTTPStatus: http.StatusUnauthorized}},
		"400":                     {err: &APIError{HTTPStatus: http.StatusBadRequest}},
		"undecodable answer":      {err: &DecodeError{HTTPStatus: http.StatusOK}, all: true},
		"attempt timeout":         {err: &AttemptTimeoutError{Timeout: time.Minute}, all: true},
		"connection reset":        {err: &TransportError{Err: errors.New("connection reset by peer")}, all: true},
		"host not found":          {err: &TransportError{Err: &net.DNSError{Name: "vod.example.com", IsNotFound: true}}},
		"connection refused":      {err: &TransportError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}, all: true},
		"DNS server timed out":    {err: &TransportError{Err: &net.DNSError{Name: "vod.example.com", IsTimeout: true}}, all: true},
		"plain HTTP answer":       {err: &TransportError{Err: errors.New("http: server gave HTTP response to HTTPS client")}},
		"retry past the deadline": {err: beyond},
		"slot past the deadline":  {err: &SlotBeyondDeadlineError{Delay: time.Hour}},
		"any other error":         {err: errors.New("building the SDK client: no endpoint")},
		"IAM look-up, 503":        {err: &ProjectLookupError{Err: &APIError{HTTPStatus: http.StatusServiceUnavailable}}, all: true},
		"IAM look-up, 403":        {err: &ProjectLookupError{Err: &APIError{HTTPStatus: http.StatusForbidden}}},
		"metadata unreachable":    {err: &NoKeysError{Err: &TransportError{Err: errors.New("connection reset by peer")}}, all: true},
		"the caller's timeout":    {err: context.DeadlineExceeded},
	} {
		if got := retryable(preheatQuery, tc.err, true); got != tc.all {
			t.Errorf("%s: a query retried = %v, want %v", name, got, tc.all)
		}
		if got := retryable(preheatCreate, tc.err, true); got {
			t.Errorf("%s: a create that reached VOD retried", name)
		}
		if got := retryable(preheatCreate, tc.err, false); got != tc.all {
			t.Errorf("%s: a create that never reached VOD retried = %v, want %v", name, got, tc.all)
		}
	}
}

func TestPastDeadline(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"retry beyond the deadline": {err: &RetryBeyondDeadlineError{Delay: time.Hour}, want: true},
		"slot beyond the deadline":  {err: &SlotBeyondDeadlineError{Delay: time.Hour}, want: true},
		"wrapped":                   {err: &NotSentError{API: "query", Cause: &SlotBeyondDeadlineError{Delay: time.Hour}}, want: true},
		"the deadline itself":       {err: context.DeadlineExceeded},
		"a 429":                     {err: &APIError{HTTPStatus: http.StatusTooManyRequests}},
		"nil":                       {},
	} {
		if got := pastDeadline(tc.err); got != tc.want {
			t.Errorf("%s: pastDeadline = %v, want %v", name, got, tc.want)
		}
	}
}

func TestBackoffIsExponentialJitteredAndCapped(t *testing.T) {
	c := &Client{cfg: Config{RetryBaseDelay: time.Second, RetryMaxDelay: 30 * time.Second}}
	c.jitter = func() float64 { return 1 }
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 6: 30 * time.Second, 60: 30 * time.Second} {
		if got := c.backoff(attempt, 0); got != want {
			t.Errorf("backoff(%d) with full jitter = %s, want %s", attempt, got, want)
		}
	}
	c.jitter = func() float64 { return 0 }
	if got := c.backoff(3, 0); got != 2*time.Second {
		t.Errorf("backoff(3) with no jitter = %s, want half of 4s", got)
	}
	if got := c.backoff(3, 9*time.Second); got != 9*time.Second {
		t.Errorf("Retry-After must win: got %s", got)
	}
}

// With the real jitter every pause lies between half the exponential delay
// and the delay itself.
func TestBackoffWithRandomJitterStaysWithinItsBounds(t *testing.T) {
	c := &Client{cfg: Config{RetryBaseDelay: time.Second, RetryMaxDelay: 30 * time.Second}, jitter: randomJitter}
	for attempt, full := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 5: 16 * time.Second, 6: 30 * time.Second, 40: 30 * time.Second} {
		for range 200 {
			if got := c.backoff(attempt, 0); got < full/2 || got > full {
				t.Fatalf("backoff(%d) = %s, outside [%s, %s]", attempt, got, full/2, full)
			}
		}
	}
}

func TestRandomJitterIsAFractionThatVaries(t *testing.T) {
	seen := map[float64]bool{}
	for range 1000 {
		j := randomJitter()
		if j < 0 || j >= 1 {
			t.Fatalf("randomJitter() = %v, outside [0, 1)", j)
		}
		seen[j] = true
	}
	if len(seen) < 2 {
		t.Fatalf("1000 jitters took %d values: clients would retry in lockstep", len(seen))
	}
}

func TestSleepContextEndsWithItsContext(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(cancelled, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v, want context.Canceled", err)
	}
	expired, cancelExpired := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelExpired()
	if err := sleepContext(expired, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("past its deadline: %v, want context.DeadlineExceeded", err)
	}
	// Cancelled while it sleeps: an hour's sleep returns once cancel is called.
	during, cancelDuring := context.WithCancel(context.Background())
	go cancelDuring()
	if err := sleepContext(during, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled during: %v, want context.Canceled", err)
	}
	if err := sleepContext(context.Background(), time.Nanosecond); err != nil {
		t.Errorf("a sleep that ends: %v, want nil", err)
	}
}

// showTask is a call for send that queries testTask, counting the
// attempts that reached it.
func showTask(calls *int) func(*vodsdk.VodClient) error {
	return func(api *vodsdk.VodClient) error {
		*calls++
		_, err := api.ShowPreheatingAsset(&model.ShowPreheatingAssetRequest{TaskId: testTask})
		return err
	}
}

func retryHarness(t *testing.T, maxRetries int) *harness {
	t.Helper()
	h := newHarness(t, emulator.Config{}, func(c *Config) { c.MaxRetries = maxRetries })
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	return h
}

func TestSendRetriesUpToMaxRetries(t *testing.T) {
	h := retryHarness(t, 2)
	h.emu.InjectFaults(5, emulator.Fault500())
	calls := 0
	err := h.client.send(context.Background(), preheatQuery, showTask(&calls))
	var exhausted *RetriesExhaustedError
	if !errors.As(err, &exhausted) || exhausted.Attempts != 3 {
		t.Fatalf("err = %v, want RetriesExhaustedError after 3 attempts", err)
	}
	if apiErr, ok := AsAPIError(exhausted.Last); !ok || apiErr.HTTPStatus != http.StatusInternalServerError {
		t.Errorf("last error %v, want the 500", exhausted.Last)
	}
	if calls != 3 || h.emu.RequestCount() != 3 || len(h.sleeps) != 2 {
		t.Fatalf("%d calls, %d requests, sleeps %v; want 3, 3 and two backoffs", calls, h.emu.RequestCount(), h.sleeps)
	}

	// Two failures, then an answer: within max_retries, so a success.
	h = retryHarness(t, 2)
	h.emu.InjectFaults(2, emulator.Fault500())
	calls = 0
	if err := h.client.send(context.Background(), preheatQuery, showTask(&calls)); err != nil || calls != 3 {
		t.Fatalf("two 500s then 200: %v after %d calls", err, calls)
	}
}

func TestSendMakesOneAttemptWithMaxRetriesZero(t *testing.T) {
	for name, tc := range map[string]struct {
		api   api
		fault emulator.Fault
	}{
		"query, 500":  {preheatQuery, emulator.Fault500()},
		"query, 429":  {preheatQuery, emulator.Fault429("1")},
		"create, 429": {preheatCreate, emulator.Fault429("1")},
	} {
		h := retryHarness(t, 0)
		h.emu.InjectFaults(5, tc.fault)
		calls := 0
		// A deadline would let a 429 be retried until it, unless max_retries is 0.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		err := h.client.send(ctx, tc.api, showTask(&calls))
		cancel()
		if apiErr, ok := AsAPIError(err); !ok || apiErr.HTTPStatus != tc.fault.Status || errors.As(err, new(*RetriesExhaustedError)) {
			t.Errorf("%s: err = %v, want the API error itself", name, err)
		}
		if calls != 1 || len(h.sleeps) != 0 {
			t.Errorf("%s: %d calls, sleeps %v; want one and none", name, calls, h.sleeps)
		}
	}
}

func TestSendStopsAtTheDeadline(t *testing.T) {
	t.Run("a backoff past the deadline is not slept", func(t *testing.T) {
		h := newHarness(t, emulator.Config{}, func(c *Config) { c.RetryBaseDelay, c.RetryMaxDelay = 4*time.Hour, 4*time.Hour })
		h.emu.InjectFaults(5, emulator.Fault500())
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		calls := 0
		err := h.client.send(ctx, preheatQuery, showTask(&calls))
		var beyond *RetryBeyondDeadlineError
		if !errors.As(err, &beyond) || beyond.Delay < 2*time.Hour || beyond.RetryAfter {
			t.Fatalf("err = %v, want RetryBeyondDeadlineError for a backoff of 2h or more", err)
		}
		if calls != 1 || len(h.sleeps) != 0 {
			t.Fatalf("%d calls, sleeps %v; want one and none", calls, h.sleeps)
		}
	})
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		h := retryHarness(t, 3)
		h.emu.InjectFaults(5, emulator.Fault500())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h.client.sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
		calls := 0
		err := h.client.send(ctx, preheatQuery, showTask(&calls))
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "while waiting to retry after") || calls != 1 {
			t.Fatalf("err = %v after %d calls, want context.Canceled while waiting, after one", err, calls)
		}
	})
	t.Run("ended before the first attempt", func(t *testing.T) {
		h := retryHarness(t, 3)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		calls := 0
		err := h.client.send(ctx, preheatQuery, showTask(&calls))
		var notSent *NotSentError
		if !errors.As(err, &notSent) || notSent.API != "query" || !errors.Is(notSent.Cause, context.Canceled) {
			t.Fatalf("err = %v, want NotSentError caused by the cancellation", err)
		}
		if calls != 0 || h.emu.RequestCount() != 0 {
			t.Fatalf("%d calls, %d requests; want none", calls, h.emu.RequestCount())
		}
	})
}

// A create is not idempotent: only a 429, which the gateway refused before
// VOD saw it, is sent again.
func TestSendOfCreatesRetriesOnlyThrottling(t *testing.T) {
	for name, fault := range map[string]emulator.Fault{
		"500": emulator.Fault500(),
		"503": {Status: http.StatusServiceUnavailable},
		"502": emulator.FaultHTML(http.StatusBadGateway),
	} {
		h := retryHarness(t, 3)
		h.emu.InjectFaults(5, fault)
		calls := 0
		err := h.client.send(context.Background(), preheatCreate, showTask(&calls))
		if apiErr, ok := AsAPIError(err); !ok || apiErr.HTTPStatus != fault.Status || calls != 1 {
			t.Errorf("%s: err = %v after %d calls, want the error after one", name, err, calls)
		}
	}
	h := retryHarness(t, 3)
	h.emu.InjectFaults(2, emulator.Fault429("1"))
	calls := 0
	if err := h.client.send(context.Background(), preheatCreate, showTask(&calls)); err != nil || calls != 3 {
		t.Fatalf("two 429s then 200: %v after %d calls", err, calls)
	}
}

// With a deadline a throttled create is retried until the deadline, not
// max_retries times; without one max_retries bounds it.
func TestSendRetriesThrottledCreatesUntilTheDeadline(t *testing.T) {
	h := retryHarness(t, 1)
	h.emu.InjectFaults(4, emulator.Fault429("1"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	calls := 0
	if err := h.client.send(ctx, preheatCreate, showTask(&calls)); err != nil || calls != 5 {
		t.Fatalf("four 429s then 200 before the deadline: %v after %d calls, want success after 5", err, calls)
	}
	for _, d := range h.sleeps {
		if d != time.Second {
			t.Errorf("slept %v, want the 1s Retry-After each time", h.sleeps)
			break
		}
	}

	h = retryHarness(t, 1)
	h.emu.InjectFaults(4, emulator.Fault429("1"))
	calls = 0
	err := h.client.send(context.Background(), preheatCreate, showTask(&calls))
	var exhausted *RetriesExhaustedError
	if !errors.As(err, &exhausted) || exhausted.Attempts != 2 || calls != 2 {
		t.Fatalf("no deadline: err = %v after %d calls, want RetriesExhaustedError after 2", err, calls)
	}
}

// reachedVOD is the one place that says whether an attempt may have
// reached VOD: NotSentError and the create's retries follow it.
func TestReachedVOD(t *testing.T) {
	refused := &TransportError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	for name, tc := range map[string]struct {
		rt   attemptTransport
		err  error
		want bool
	}{
		"keys or project failed first": {rt: attemptTransport{}, err: &ProjectLookupError{Err: &APIError{HTTPStatus: http.StatusServiceUnavailable}}},
		"answered 429 by the gateway":  {rt: attemptTransport{sent: true, status: http.StatusTooManyRequests}, err: &APIError{HTTPStatus: http.StatusTooManyRequests}},
		"connection never made":        {rt: attemptTransport{sent: true}, err: refused},
		"answered 500":                 {rt: attemptTransport{sent: true, status: http.StatusInternalServerError}, err: &APIError{HTTPStatus: http.StatusInternalServerError}, want: true},
		"answer lost":                  {rt: attemptTransport{sent: true}, err: &TransportError{Err: errors.New("connection reset by peer")}, want: true},
		"timed out":                    {rt: attemptTransport{sent: true}, err: &AttemptTimeoutError{Timeout: time.Minute}, want: true},
		"served":                       {rt: attemptTransport{sent: true, status: http.StatusAccepted}, want: true},
	} {
		if got := reachedVOD(&tc.rt, tc.err); got != tc.want {
			t.Errorf("%s: reachedVOD = %v, want %v", name, got, tc.want)
		}
	}
}

// A failed IAM project look-up happens before the VOD call: the create is
// retried (the look-up is asked again after projectRetryPause), and VOD
// sees one create.
func TestSendRetriesACreateWhoseProjectLookUpFailed(t *testing.T) {
	now := time.Now()
	projectNow = func() time.Time { return now }
	t.Cleanup(func() { projectNow = time.Now })
	emu := emulator.New(emulator.Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, ProjectName: "vod-prod"})
	iamCalls := 0
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == emulator.IAMProjectsPath {
			if iamCalls++; iamCalls == 1 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error_code":"APIGW.0613","error_msg":"Backend unavailable"}`))
				return
			}
		}
		emu.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	client, err := New(Config{Endpoint: srv.URL, AccessKey: testAK, SecretKey: testSK, MaxRetries: 5,
		ProjectLookup: ProjectLookup{Name: "vod-prod", IAMEndpoint: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	client.sleep = func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil }
	taskID, err := client.CreatePreheating(context.Background(), "", []string{"https://cdn.example.com/a.mp4"})
	if err != nil || taskID == "" {
		t.Fatalf("err %v: want the create to succeed once IAM answers", err)
	}
	creates := 0
	for _, r := range emu.Requests() {
		if r.Method == http.MethodPost {
			creates++
		}
	}
	if iamCalls != 2 || creates != 1 {
		t.Fatalf("%d IAM calls and %d creates, want 2 and 1", iamCalls, creates)
	}
}

// A create refused with 429s never reached VOD: stopped while it waits to
// retry (Ctrl-C), it says it was not sent.
func TestSendOfAThrottledCreateStoppedSaysNotSent(t *testing.T) {
	h := retryHarness(t, 3)
	h.emu.InjectFaults(1, emulator.Fault429(""))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.client.sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	calls := 0
	err := h.client.send(ctx, preheatCreate, showTask(&calls))
	if !IsNotSent(err) || !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v after %d calls, want NotSentError caused by the cancellation", err, calls)
	}
}
