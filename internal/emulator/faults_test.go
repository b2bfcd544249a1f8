package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFaultsConsumedInOrder(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	h.srv.InjectFaults(2, Fault429("3"))
	h.srv.InjectFaults(1, Fault500())
	h.srv.InjectFaults(1, Fault503HTML())
	h.srv.InjectFaults(1, FaultDelay(50*time.Millisecond))
	if n := h.srv.PendingFaults(); n != 5 {
		t.Fatalf("PendingFaults = %d, want 5", n)
	}

	// Faults come before authentication: an unsigned request still gets the 429.
	r := h.send(t, http.MethodGet, preheatPath+"?task_id=t1", "", false)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "3" || r.errorCode(t) != "APIGW.0308" {
		t.Fatalf("first fault: %d %v %s", r.status, r.header, r.body)
	}
	r = h.query(t, "t1")
	if r.status != http.StatusTooManyRequests || r.errorCode(t) != "APIGW.0308" {
		t.Fatalf("second fault: %d %s", r.status, r.body)
	}
	r = h.query(t, "t1")
	if r.status != http.StatusInternalServerError || r.errorCode(t) != "APIGW.0601" || r.header.Get("Retry-After") != "" {
		t.Fatalf("third fault: %d %s", r.status, r.body)
	}
	r = h.query(t, "t1")
	if r.status != http.StatusServiceUnavailable || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.body), "<h1>503 Service Temporarily Unavailable</h1>") {
		t.Fatalf("fourth fault: %d %v %s", r.status, r.header, r.body)
	}
	start := time.Now()
	if got := h.query(t, "t1").results(t); len(got) != 1 {
		t.Fatalf("delayed request results: %v", got)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("delay fault took only %s", elapsed)
	}
	if h.query(t, "t1").status != http.StatusOK {
		t.Fatal("request after the queue drained was not served normally")
	}

	if n := h.srv.RequestCount(); n != 6 {
		t.Errorf("RequestCount = %d, want 6", n)
	}
	recs := h.srv.Requests()
	wantStatus := []int{429, 429, 500, 503, 200, 200}
	wantFaulted := []bool{true, true, true, true, true, false}
	if len(recs) != len(wantStatus) {
		t.Fatalf("recorded %d requests", len(recs))
	}
	for i, rec := range recs {
		if rec.Status != wantStatus[i] || rec.Faulted != wantFaulted[i] || rec.Method != http.MethodGet ||
			rec.Path != preheatPath || rec.Query != "task_id=t1" || !hex32.MatchString(rec.RequestID) {
			t.Errorf("record %d = %+v", i, rec)
		}
	}
}

func TestFaultCustomBodyAndStatus(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, Fault{Status: http.StatusBadGateway, Body: "upstream gone", ContentType: "text/plain"})
	h.srv.InjectFaults(1, Fault{Status: http.StatusServiceUnavailable})
	r := h.query(t, "x")
	if r.status != http.StatusBadGateway || string(r.body) != "upstream gone" || r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("custom fault: %d %v %q", r.status, r.header, r.body)
	}
	if r = h.query(t, "x"); r.status != http.StatusServiceUnavailable || r.errorCode(t) != "APIGW.0613" {
		t.Fatalf("default 503: %d %s", r.status, r.body)
	}
}

func TestDelayFaultRespectsClientCancellation(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, FaultDelay(time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the server holds the request, not after a guess.
		for h.srv.RequestCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.url+preheatPath+"?task_id=x", nil)
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("client error = %v, want cancelled", err)
	}
	// The server notices the disconnect and records the request unanswered.
	for len(h.srv.Requests()) == 0 {
		if time.Since(start) > 10*time.Second {
			t.Fatal("server kept sleeping after the client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if rec := h.srv.Requests()[0]; rec.Status != 0 || !rec.Faulted {
		t.Fatalf("record = %+v, want unanswered faulted request", rec)
	}
}

func TestFaultBodies(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, FaultJSON(http.StatusInternalServerError, "VOD.10051", "System error."))
	h.srv.InjectFaults(1, FaultHTML(http.StatusGatewayTimeout))
	h.srv.InjectFaults(1, FaultEmpty(http.StatusBadGateway))
	h.srv.InjectFaults(1, FaultTruncatedJSON(http.StatusAccepted))
	h.srv.InjectFaults(1, Fault429(""))
	if r := h.query(t, "x"); r.status != 500 || r.errorCode(t) != "VOD.10051" {
		t.Errorf("JSON fault: %d %s", r.status, r.body)
	}
	if r := h.query(t, "x"); r.status != 504 || string(r.body) != "<html><body><h1>504 Gateway Timeout</h1></body></html>" ||
		r.header.Get("Content-Type") != "text/html" {
		t.Errorf("HTML fault: %d %v %s", r.status, r.header, r.body)
	}
	if r := h.query(t, "x"); r.status != 502 || len(r.body) != 0 {
		t.Errorf("empty fault: %d %q", r.status, r.body)
	}
	if r := h.query(t, "x"); r.status != 202 || !strings.HasPrefix(string(r.body), `{"preheating_results": [`) || json.Valid(r.body) {
		t.Errorf("truncated fault: %d %q", r.status, r.body)
	}
	if r := h.query(t, "x"); r.status != 429 || r.header.Get("Retry-After") != "" || r.errorCode(t) != "APIGW.0308" {
		t.Errorf("429 without Retry-After: %d %v", r.status, r.header)
	}
}

// The gateway's error bodies repeat the request id in request_id; a fault
// can leave the header out, as some proxies do, to test that a client shows
// the body's.
func TestErrorBodiesCarryTheRequestID(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, FaultJSON(http.StatusForbidden, "VOD.10051", "System error."))
	h.srv.InjectFaults(1, Fault500())
	h.srv.InjectFaults(1, Fault{Status: http.StatusServiceUnavailable, NoRequestIDHeader: true})
	for _, want := range []int{403, 500} {
		r := h.query(t, "x")
		if id := r.header.Get("X-Request-Id"); r.status != want || id == "" || r.requestIDInBody(t) != id {
			t.Errorf("fault %d: %d, header %q, body %s", want, r.status, id, r.body)
		}
	}
	resp, err := http.Get(h.url + preheatPath + "?task_id=x") // faults come before the signature check
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	if r.status != 503 || r.header.Get("X-Request-Id") != "" || !hex32.MatchString(r.requestIDInBody(t)) {
		t.Errorf("fault without the header: %d %v %s", r.status, r.header, r.body)
	}
	// The emulator's own refusals too: an unknown route and a bad signature.
	for _, r := range []reply{h.send(t, http.MethodGet, "/v1.0/nope", "", true), h.send(t, http.MethodGet, "/v1.0/"+testPID+"/asset/preheating?task_id=x", "", false)} {
		if id := r.header.Get("X-Request-Id"); id == "" || r.requestIDInBody(t) != id {
			t.Errorf("HTTP %d: header %q, body %s", r.status, id, r.body)
		}
	}
}

func TestFaultHugeBodyIsStreamed(t *testing.T) {
	h := newHarness(t, nil)
	const size = 40 << 20
	h.srv.InjectFaults(1, FaultHugeBody(http.StatusOK, size))
	resp, err := http.Get(h.url + preheatPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || n != size || resp.StatusCode != 200 {
		t.Fatalf("read %d bytes (%v), status %d; want %d", n, err, resp.StatusCode, size)
	}
}

func TestFaultResets(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, FaultReset(ResetBeforeAnswer))
	h.srv.InjectFaults(1, FaultReset(ResetMidBody))
	// Fresh connections, so the transport does not quietly retry.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Get(h.url + preheatPath); err == nil {
		resp.Body.Close()
		t.Fatalf("reset before the answer: got HTTP %d", resp.StatusCode)
	}
	resp, err := client.Get(h.url + preheatPath)
	if err != nil {
		t.Fatalf("reset mid-body: the headers should arrive: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"preheating_results"`) {
		t.Fatalf("reset mid-body: read %q, err %v", body, err)
	}
	if n := h.srv.RequestCount(); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

func TestFaultStallHoldsUntilTheClientLeaves(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.InjectFaults(1, FaultStall())
	client := &http.Client{Timeout: 200 * time.Millisecond}
	_, err := client.Get(h.url + preheatPath)
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("err = %v, want a client timeout", err)
	}
}

func TestSkewClockMovesDateAndSignatureCheck(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4"}})
	if r := h.query(t, "t1"); r.status != 200 || r.header.Get("Date") != h.clock.Now().Format(http.TimeFormat) {
		t.Fatalf("before skew: %d, Date %q", r.status, r.header.Get("Date"))
	}
	h.srv.SkewClock(16 * time.Minute)
	r := h.query(t, "t1")
	if r.status != http.StatusUnauthorized || r.header.Get("Date") != h.clock.Now().Add(16*time.Minute).Format(http.TimeFormat) {
		t.Fatalf("after skew: %d, Date %q", r.status, r.header.Get("Date"))
	}
}

func TestAnswerQueriesWith202(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.SeedTask("t1", []URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: StatusSucceed}})
	h.srv.AnswerQueriesWith(http.StatusAccepted)
	if r := h.query(t, "t1"); r.status != http.StatusAccepted || !strings.Contains(string(r.body), `"status":"succeed"`) {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
}

func TestAnswerUnknownTasksWith(t *testing.T) {
	s := New(Config{AccessKey: "ak", SecretKey: "sk", ProjectID: "p"})
	s.AnswerUnknownTasksWith(http.StatusNotFound, "VOD.10062")
	rec := httptest.NewRecorder()
	s.handleQuery(rec, httptest.NewRequest(http.MethodGet, "/v1.0/p/asset/preheating?task_id=gone", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "VOD.10062") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}
