package vod

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// lookUpProject makes the harness's client find its project by name.
func lookUpProject(name string) func(*Config) {
	return func(c *Config) {
		c.ProjectID = ""
		c.ProjectLookup = ProjectLookup{Name: name, IAMEndpoint: c.Endpoint}
	}
}

func TestProjectLookedUpByNameOncePerProcess(t *testing.T) {
	h := newHarness(t, emulator.Config{ProjectName: "vod-prod"}, lookUpProject("vod-prod"))
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	for range 2 {
		if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
			t.Fatal(err)
		}
	}
	// A second client in the same process (Terraform configures one per
	// command) finds the ID without asking again.
	second, err := New(h.client.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if n := h.emu.IAMRequests(); n != 1 {
		t.Fatalf("IAM was asked %d times, want once", n)
	}
}

func TestNoIAMCallWithProjectID(t *testing.T) {
	h := newHarness(t, emulator.Config{}, nil)
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	if n := h.emu.IAMRequests(); n != 0 {
		t.Fatalf("IAM was asked %d times although the project ID was given", n)
	}
}

func TestProjectLookupErrorsSaySetProjectID(t *testing.T) {
	cases := map[string]struct {
		emu  emulator.Config
		want []string
	}{
		"unknown name": {emulator.Config{ProjectName: "vod-prod"}, []string{`project "vod-staging"`, "IAM knows no project of that name"}},
		"IAM refuses":  {emulator.Config{ProjectName: "vod-staging", IAMDenied: true}, []string{"IAM refused the call", "HTTP 403", "IAM.0002", "X-Request-Id"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tc.emu, lookUpProject("vod-staging"))
			for range 2 {
				_, err := h.client.QueryPreheating(context.Background(), testTask)
				var lookupErr *ProjectLookupError
				if !errors.As(err, &lookupErr) {
					t.Fatalf("err = %v", err)
				}
				for _, want := range append(tc.want, "Set project_id") {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%q missing from %v", want, err)
					}
				}
			}
			if n := h.emu.IAMRequests(); n != 1 {
				t.Fatalf("a final IAM answer was asked for %d times, want once", n)
			}
			if n := h.emu.RequestCount(); n != 0 {
				t.Fatalf("VOD was called %d times without a project", n)
			}
		})
	}
}

func TestMetadataKeysSignRequestsAndStayOutOfLogs(t *testing.T) {
	h := newHarness(t, emulator.Config{TemporaryKeyLifetime: time.Hour, MetadataToken: emulator.MetadataTokenRequired}, func(c *Config) {
		c.AccessKey, c.SecretKey = "", ""
		c.KeyChain.MetadataEndpoint = c.Endpoint
	})
	h.emu.SeedTask(testTask, []emulator.URLSeed{{URL: "https://cdn.example.com/a.mp4", Status: "succeed"}})
	if _, err := h.client.QueryPreheating(context.Background(), testTask); err != nil {
		t.Fatal(err)
	}
	keys := h.client.keys.current
	if keys.SecretKey == "" || keys.SecurityToken == "" {
		t.Fatal("the client holds no metadata keys")
	}
	if n := h.emu.MetadataTokenRequests(); n != 1 {
		t.Fatalf("%d session token requests, want 1", n)
	}
	logged := sprintf("%+v %v %+v %#v", h.calls, keys, keys, keys)
	for _, secret := range []string{keys.SecretKey, keys.SecurityToken} {
		if strings.Contains(logged, secret) {
			t.Fatalf("logs show a temporary secret: %s", logged)
		}
	}
}

// gatedIAM is the emulator's IAM behind a gate: each call is counted, then
// held until the test releases it, or answered 503 while failing is set.
type gatedIAM struct {
	emu     *emulator.Server
	calls   atomic.Int32
	release chan struct{}
	failing atomic.Bool
}

func (g *gatedIAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.calls.Add(1)
	select {
	case <-g.release:
	case <-r.Context().Done():
		return
	}
	if g.failing.Load() {
		http.Error(w, `{"error_code":"APIGW.0613","error_msg":"Backend unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	g.emu.ServeHTTP(w, r)
}

func gatedLookupClient(t *testing.T) (*Client, *gatedIAM) {
	t.Helper()
	gate := &gatedIAM{emu: emulator.New(emulator.Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testProject, ProjectName: "vod-prod"}),
		release: make(chan struct{})}
	srv := httptest.NewServer(gate)
	t.Cleanup(srv.Close)
	client, err := New(Config{Endpoint: srv.URL, AccessKey: testAK, SecretKey: testSK,
		ProjectLookup: ProjectLookup{Name: "vod-prod", IAMEndpoint: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	return client, gate
}

func projectWaiters(client *Client) func() int {
	return func() int {
		return lookupState(client.iamEndpoint + "\x00vod-prod\x00" + testAK).shared.waiters()
	}
}

func TestProjectLookupIsSharedByConcurrentCallers(t *testing.T) {
	client, gate := gatedLookupClient(t)
	// Half the callers come through a second client of the same process.
	second, err := New(client.cfg)
	if err != nil {
		t.Fatal(err)
	}
	keys := Keys{AccessKey: testAK, SecretKey: testSK}
	ids := make(chan string, 10)
	for i := range 10 {
		c := client
		if i%2 == 1 {
			c = second
		}
		go func() {
			id, err := c.projectID(context.Background(), keys)
			if err != nil {
				t.Error(err)
			}
			ids <- id
		}()
	}
	waitForWaiters(t, projectWaiters(client), 10)
	close(gate.release)
	for range 10 {
		if id := <-ids; id != testProject {
			t.Errorf("id = %q, want %s", id, testProject)
		}
	}
	if n := gate.calls.Load(); n != 1 {
		t.Fatalf("10 concurrent look-ups made %d IAM calls, want 1", n)
	}
}

func TestProjectLookupWaitHonoursTheCallersContext(t *testing.T) {
	client, gate := gatedLookupClient(t)
	keys := Keys{AccessKey: testAK, SecretKey: testSK}
	patient := make(chan error, 1)
	go func() {
		_, err := client.projectID(context.Background(), keys)
		patient <- err
	}()
	waitForWaiters(t, projectWaiters(client), 1)
	ctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	go func() {
		_, err := client.projectID(ctx, keys)
		impatient <- err
	}()
	waitForWaiters(t, projectWaiters(client), 2)
	cancel()
	if err := <-impatient; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "while waiting for the IAM look-up") {
		t.Fatalf("the cancelled caller got %v", err)
	}
	close(gate.release)
	if err := <-patient; err != nil {
		t.Fatal(err)
	}
	// The cancelled caller's client asks again and gets the shared answer.
	if id, err := client.projectID(context.Background(), keys); err != nil || id != testProject || gate.calls.Load() != 1 {
		t.Fatalf("id %q, err %v, %d IAM calls", id, err, gate.calls.Load())
	}
}

func TestProjectLookupBacksOffAfterAFailure(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	projectNow = func() time.Time { return now }
	t.Cleanup(func() { projectNow = time.Now })
	client, gate := gatedLookupClient(t)
	close(gate.release)
	gate.failing.Store(true)
	keys := Keys{AccessKey: testAK, SecretKey: testSK}
	for range 3 {
		if _, err := client.projectID(context.Background(), keys); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
			t.Fatalf("err = %v, want the 503", err)
		}
		now = now.Add(projectRetryPause / 4)
	}
	if n := gate.calls.Load(); n != 1 {
		t.Fatalf("%d IAM calls within the pause after a failure, want 1", n)
	}
	gate.failing.Store(false)
	now = now.Add(projectRetryPause)
	if id, err := client.projectID(context.Background(), keys); err != nil || id != testProject || gate.calls.Load() != 2 {
		t.Fatalf("after the pause: id %q, err %v, %d IAM calls (want 2)", id, err, gate.calls.Load())
	}
}
