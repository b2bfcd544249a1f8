package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateAndProgress(t *testing.T) {
	h := newHarness(t, nil)
	created := h.create(t, `{"urls":["https://cdn.example.com/a.mp4","https://cdn.example.com/FAIL-b.mp4"]}`)
	if ct := created.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	id := created.taskID(t)

	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"processing", "processing"}) {
		t.Fatalf("before processing time: %v", got)
	}
	// URLs end one by one over the 10s processing time: the first at 5s.
	h.clock.Advance(5*time.Second - time.Nanosecond)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"processing", "processing"}) {
		t.Fatalf("just before the first URL ends: %v", got)
	}
	h.clock.Advance(time.Nanosecond)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"succeed", "processing"}) {
		t.Fatalf("after the first URL ended: %v", got)
	}
	h.clock.Advance(5*time.Second - time.Nanosecond)
	if got := statuses(h.query(t, id).results(t)); !slices.Equal(got, []string{"succeed", "processing"}) {
		t.Fatalf("just before processing time: %v", got)
	}
	h.clock.Advance(time.Nanosecond)
	results := h.query(t, id).results(t)
	want := []URLSeed{{"https://cdn.example.com/a.mp4", "succeed"}, {"https://cdn.example.com/FAIL-b.mp4", "failed"}}
	if !slices.Equal(results, want) {
		t.Fatalf("after processing time: %v, want %v", results, want)
	}
}

func TestDeleteTask(t *testing.T) {
	h := newHarness(t, nil)
	id := h.create(t, `{"urls":["https://cdn.example.com/a.mp4"]}`).taskID(t)
	if !h.srv.DeleteTask(id) {
		t.Fatal("DeleteTask did not find the task it had created")
	}
	r := h.query(t, id)
	if r.status != http.StatusBadRequest || r.errorCode(t) != "VOD.10053" {
		t.Fatalf("query of a deleted task: got %d %s, want 400 VOD.10053", r.status, r.body)
	}
	if h.srv.DeleteTask(id) {
		t.Fatal("DeleteTask found a task that was already deleted")
	}
}

func TestCreateFromAssetOnly(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ProcessingTime = -1 })
	id := h.create(t, `{"asset_id":"abc123"}`).taskID(t)
	results := h.query(t, id).results(t)
	if len(results) == 0 || len(results) > 2 {
		t.Fatalf("asset task has %d URLs", len(results))
	}
	for _, r := range results {
		if !strings.Contains(r.URL, "abc123") || r.Status != StatusSucceed {
			t.Errorf("unexpected asset URL result %+v", r)
		}
	}
}

func TestCreateValidation(t *testing.T) {
	h := newHarness(t, nil)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf(`"https://cdn.example.com/%d.mp4"`, i)
	}
	cases := []struct{ name, body, code string }{
		{"too many urls", `{"urls":[` + strings.Join(eleven, ",") + `]}`, "VOD.10086"},
		{"empty body", ``, "VOD.10053"},
		{"empty object", `{}`, "VOD.10053"},
		{"empty url list", `{"urls":[]}`, "VOD.10053"},
		{"blank url", `{"urls":[" "]}`, "VOD.10053"},
		{"malformed", `{"urls":`, "VOD.10053"},
		{"wrong type", `{"urls":"x"}`, "VOD.10053"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.create(t, c.body)
			if r.status != http.StatusBadRequest || r.errorCode(t) != c.code {
				t.Fatalf("got %d %s, want 400 %s", r.status, r.body, c.code)
			}
		})
	}
	if r := h.create(t, `{}`); !strings.Contains(string(r.body), "illegal field: {urls}.") {
		t.Errorf("empty create message: %s", r.body)
	}
	ten := `{"urls":[` + strings.Join(eleven[:10], ",") + `]}`
	h.create(t, ten).taskID(t)
}

func TestQueryValidation(t *testing.T) {
	h := newHarness(t, nil)
	for _, path := range []string{preheatPath, preheatPath + "?task_id=", preheatPath + "?task_id=ffffffffffffffffffffffffffffffff"} {
		r := h.send(t, http.MethodGet, path, "", true)
		if r.status != http.StatusBadRequest || r.errorCode(t) != "VOD.10053" ||
			!strings.Contains(string(r.body), "illegal field: {task_id}.") {
			t.Errorf("%s: got %d %s", path, r.status, r.body)
		}
	}
}

func TestSeededStatusesAreFixed(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.SeedTask("seeded", []URLSeed{
		{URL: "https://cdn.example.com/q.mp4", Status: "queued"},
		{URL: "https://cdn.example.com/p.mp4", Status: "processing"},
		{URL: "https://cdn.example.com/s.mp4"},
	})
	if got := statuses(h.query(t, "seeded").results(t)); !slices.Equal(got, []string{"queued", "processing", "processing"}) {
		t.Fatalf("seeded at start: %v", got)
	}
	h.clock.Advance(time.Hour)
	if got := statuses(h.query(t, "seeded").results(t)); !slices.Equal(got, []string{"queued", "processing", "succeed"}) {
		t.Fatalf("seeded later: %v", got)
	}
}

func TestLargeSeededTask(t *testing.T) {
	h := newHarness(t, nil)
	urls := make([]URLSeed, 10000)
	for i := range urls {
		urls[i] = URLSeed{URL: fmt.Sprintf("https://cdn.example.com/v/%05d.ts?a=1&b=2", i), Status: StatusSucceed}
	}
	h.srv.SeedTask("big", urls)
	results := h.query(t, "big").results(t)
	if !slices.Equal(results, urls) {
		t.Fatal("10,000-URL results differ from the seed or its order")
	}
}

func TestRoutingAndAuthErrors(t *testing.T) {
	h := newHarness(t, nil)
	notFound := []struct{ method, path string }{
		{http.MethodGet, "/v1.0/" + testPID + "/asset/refresh"},
		{http.MethodGet, "/v1/" + testPID + "/asset/preheating"},
		{http.MethodDelete, preheatPath},
		{http.MethodGet, "/"},
	}
	for _, c := range notFound {
		for _, sign := range []bool{true, false} {
			r := h.send(t, c.method, c.path, "", sign)
			if r.status != http.StatusNotFound || r.errorCode(t) != "APIGW.0101" {
				t.Errorf("%s %s signed=%t: %d %s", c.method, c.path, sign, r.status, r.body)
			}
		}
	}

	if r := h.send(t, http.MethodGet, preheatPath+"?task_id=x", "", false); r.status != http.StatusUnauthorized ||
		r.errorCode(t) != "APIGW.0301" || !strings.Contains(string(r.body), "verify aksk signature fail") {
		t.Errorf("unsigned: %d %s", r.status, r.body)
	}
	// Stale: the emulator's clock runs 20 minutes ahead of the signature.
	stale := newHarness(t, nil)
	req, _ := http.NewRequest(http.MethodGet, stale.url+preheatPath+"?task_id=x", nil)
	signRequest(t, req, nil, testAK, testSK, stale.clock.Now())
	stale.clock.Advance(20 * time.Minute)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("stale signature: %d", resp.StatusCode)
	}

	other := "/v1.0/ffffffffffffffffffffffffffffffff/asset/preheating?task_id=x"
	if r := h.send(t, http.MethodGet, other, "", true); r.status != http.StatusUnauthorized || r.errorCode(t) != "APIGW.0301" {
		t.Errorf("wrong project in path: %d %s", r.status, r.body)
	}
}

func TestProjectHeaderMismatch(t *testing.T) {
	h := newHarness(t, nil)
	req, _ := http.NewRequest(http.MethodGet, h.url+preheatPath+"?task_id=x", nil)
	req.Header.Set(HeaderProjectID, "someoneelse")
	signRequest(t, req, nil, testAK, testSK, h.clock.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("X-Project-Id mismatch: %d", resp.StatusCode)
	}
}

func TestOversizedBody(t *testing.T) {
	h := newHarness(t, nil)
	r := h.create(t, `{"urls":["`+strings.Repeat("a", MaxBodyBytes)+`"]}`)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", r.status)
	}
}

func TestSeedFile(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.srv.LoadSeedFile("testdata/tasks.json"); err != nil {
		t.Fatal(err)
	}
	got := statuses(h.query(t, "5199337c31c8e4622f1590735b13a263").results(t))
	if !slices.Equal(got, []string{"succeed", "failed", "processing"}) {
		t.Fatalf("first seeded task: %v", got)
	}
	h.clock.Advance(time.Minute)
	got = statuses(h.query(t, "0a1b2c3d4e5f60718293a4b5c6d7e8f9").results(t))
	if !slices.Equal(got, []string{"queued", "succeed", "failed"}) {
		t.Fatalf("second seeded task: %v", got)
	}

	dir := t.TempDir()
	for name, content := range map[string]string{
		"typo.json":      `{"tasks":[{"taskid":"a","urls":[]}]}`,
		"no-id.json":     `{"tasks":[{"urls":[{"url":"u"}]}]}`,
		"dup.json":       `{"tasks":[{"task_id":"a"},{"task_id":"a"}]}`,
		"empty-url.json": `{"tasks":[{"task_id":"a","urls":[{"url":""}]}]}`,
		"broken.json":    `{"tasks":`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := h.srv.LoadSeedFile(path); err == nil {
			t.Errorf("%s loaded without error", name)
		}
	}
	if _, ok := h.srv.TaskStatus("a"); ok {
		t.Error("an invalid seed file seeded a task")
	}
	if err := h.srv.LoadSeedFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing seed file loaded without error")
	}
}

func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"urls":["https://cdn.example.com/%d.mp4"]}`, i)
			created, err := h.trySend(http.MethodPost, preheatPath, body, true)
			if err != nil || created.status != http.StatusAccepted {
				t.Errorf("create: %v %d %s", err, created.status, created.body)
				return
			}
			var out struct {
				TaskID string `json:"task_id"`
			}
			_ = json.Unmarshal(created.body, &out)
			h.srv.InjectFaults(1, FaultDelay(time.Millisecond))
			h.clock.Advance(time.Second)
			got, err := h.trySend(http.MethodGet, preheatPath+"?task_id="+out.TaskID, "", true)
			if err != nil || got.status != http.StatusOK {
				t.Errorf("query: %v %d %s", err, got.status, got.body)
			}
		}()
	}
	wg.Wait()
	if n := h.srv.RequestCount(); n != 40 {
		t.Fatalf("RequestCount = %d, want 40", n)
	}
	if n := len(h.srv.Requests()); n != 40 {
		t.Fatalf("len(Requests()) = %d, want 40", n)
	}
}

// BenchmarkLargeSeededTask measures a signed query of a 10,000-URL task,
// the speed that TestLargeSeededTask used to bound with a clock.
func BenchmarkLargeSeededTask(b *testing.B) {
	srv := New(Config{AccessKey: testAK, SecretKey: testSK, ProjectID: testPID, ProcessingTime: -1})
	urls := make([]URLSeed, 10000)
	for i := range urls {
		urls[i] = URLSeed{URL: fmt.Sprintf("https://cdn.example.com/v/%05d.ts?a=1&b=2", i), Status: StatusSucceed}
	}
	srv.SeedTask("big", urls)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	h := &harness{srv: srv, clock: &fakeClock{t: time.Now()}, url: ts.URL}
	for b.Loop() {
		h.clock.t = time.Now()
		r, err := h.trySend(http.MethodGet, preheatPath+"?task_id=big", "", true)
		if err != nil || r.status != http.StatusOK {
			b.Fatalf("%v %d", err, r.status)
		}
	}
}
