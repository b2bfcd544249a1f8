package emulator

// Unit tests of start.go: Start's listener, its connection count, its
// shutdown, and newHexID.

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// startEmulator starts a server on a free port of 127.0.0.1, shut down when
// the test ends.
func startEmulator(t *testing.T) (*Server, string, func(context.Context) error) {
	t.Helper()
	srv := New(Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID})
	base, shutdown, err := Start("127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Bounded, so that a test failing with a request held cannot hang here.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = shutdown(ctx)
	})
	return srv, base, shutdown
}

// get sends a GET with client and reads the whole answer, so that a
// kept-alive connection can be reused.
func get(t *testing.T, client *http.Client, u string) int {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestStartServesOnTheLoopback(t *testing.T) {
	_, base, _ := startEmulator(t)
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" || u.Path != "" {
		t.Fatalf("base URL %q, want http://127.0.0.1:<port>", base)
	}
	// The emulator itself answers: an unsigned query is the gateway's 401.
	if status := get(t, &http.Client{}, base+preheatPath+"?task_id=t1"); status != http.StatusUnauthorized {
		t.Fatalf("unsigned query: HTTP %d, want 401", status)
	}
}

func TestStartRefusesAnAddressInUse(t *testing.T) {
	_, base, _ := startEmulator(t)
	again, shutdown, err := Start(strings.TrimPrefix(base, "http://"), New(Config{}))
	if err == nil || again != "" || shutdown != nil {
		t.Fatalf("a second Start on %s: %q, %v", base, again, err)
	}
}

func TestStartCountsConnections(t *testing.T) {
	srv, base, _ := startEmulator(t)
	kept := &http.Client{Transport: &http.Transport{}}
	for range 5 {
		get(t, kept, base+"/")
	}
	if n := srv.ConnectionsAccepted(); n != 1 {
		t.Fatalf("5 requests on a kept-alive connection opened %d connections", n)
	}
	closing := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 3 {
		get(t, closing, base+"/")
	}
	if n := srv.ConnectionsAccepted(); n != 4 {
		t.Fatalf("3 more requests without keep-alive: %d connections in all, want 4", n)
	}
}

func TestShutdownStopsServing(t *testing.T) {
	_, base, shutdown := startEmulator(t)
	get(t, &http.Client{}, base+"/")
	if err := shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections after shutdown", base)
	}
}

// A request held by an hour's Delay fault would keep a graceful shutdown
// waiting; cancelling the base context lets it end.
func TestShutdownCutsDelayFaultsShort(t *testing.T) {
	srv, base, shutdown := startEmulator(t)
	srv.InjectFaults(1, FaultDelay(time.Hour))
	go func() {
		if resp, err := http.Get(base + preheatPath); err == nil {
			resp.Body.Close()
		}
	}()
	for srv.RequestCount() == 0 { // until the emulator holds the request
		time.Sleep(5 * time.Millisecond)
	}
	// Generous: the bound only keeps a broken shutdown from hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestNewHexIDIs32LowercaseHexAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newHexID()
		if !hex32.MatchString(id) {
			t.Fatalf("newHexID() = %q, want 32 lowercase hex characters", id)
		}
		if seen[id] {
			t.Fatalf("newHexID() repeated %q", id)
		}
		seen[id] = true
	}
}
