package emulator

import (
	"context"
	"errors"
	"net/http"
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
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.url+preheatPath+"?task_id=x", nil)
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client error = %v, want deadline exceeded", err)
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

func TestShutdownCutsDelayFaultsShort(t *testing.T) {
	srv := New(Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
	baseURL, shutdown, err := Start("127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFaults(1, FaultDelay(time.Hour))
	go func() {
		if resp, err := http.Get(baseURL + preheatPath); err == nil {
			resp.Body.Close()
		}
	}()
	for srv.RequestCount() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
