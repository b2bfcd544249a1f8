package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const refreshPath = "/v1/" + testPID + "/asset/refresh"

func (h *harness) createRefresh(t *testing.T, body string) reply {
	return h.send(t, http.MethodPost, refreshPath, body, true)
}

func (h *harness) queryRefresh(t *testing.T, taskID string) reply {
	return h.send(t, http.MethodGet, refreshPath+"?task_id="+taskID, "", true)
}

// refreshResults decodes a successful refresh query.
func (r reply) refreshResults(t *testing.T) []URLSeed {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("refresh query status %d: %s", r.status, r.body)
	}
	var out struct {
		RefreshResults *[]URLSeed `json:"refresh_results"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if out.RefreshResults == nil {
		t.Fatalf("no refresh_results in %s", r.body)
	}
	return *out.RefreshResults
}

func TestRefreshCreateAndProgress(t *testing.T) {
	h := newHarness(t, nil)
	id := h.createRefresh(t, `{"urls":["https://cdn.example.com/a.mp4","https://cdn.example.com/fail.mp4"],"asset_id_list":["as1"]}`).taskID(t)
	got := h.queryRefresh(t, id).refreshResults(t)
	want := []string{"https://cdn.example.com/a.mp4", "https://cdn.example.com/fail.mp4",
		"https://vod.example.com/asset/as1/index.m3u8", "https://vod.example.com/asset/as1/index.mp4"}
	var urls []string
	for _, r := range got {
		urls = append(urls, r.URL)
	}
	if !slices.Equal(urls, want) {
		t.Fatalf("urls %v, want %v", urls, want)
	}
	if s := statuses(got); !slices.Equal(s, []string{"processing", "processing", "processing", "processing"}) {
		t.Fatalf("statuses at once %v", s)
	}
	h.clock.Advance(10 * time.Second)
	if s := statuses(h.queryRefresh(t, id).refreshResults(t)); !slices.Equal(s, []string{"succeed", "failed", "succeed", "succeed"}) {
		t.Fatalf("statuses at the end %v", s)
	}
	// A refresh task is not a preheat task: each API knows only its own.
	if r := h.query(t, id); r.status != http.StatusBadRequest || r.errorCode(t) != "VOD.10053" {
		t.Fatalf("preheat query of a refresh task: %d %s", r.status, r.body)
	}
	if n := h.srv.RefreshCount("https://cdn.example.com/a.mp4"); n != 1 {
		t.Fatalf("RefreshCount = %d, want 1", n)
	}
	if n := h.srv.PreheatCount("https://cdn.example.com/a.mp4"); n != 0 {
		t.Fatalf("PreheatCount = %d after a refresh, want 0", n)
	}
}

func TestRefreshFlakyURLFailsOnlyItsFirstRefresh(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ProcessingTime = -1 })
	body := `{"urls":["https://cdn.example.com/flaky.mp4"]}`
	first := h.createRefresh(t, body).taskID(t)
	h.create(t, body).taskID(t) // a preheat does not count as a refresh
	second := h.createRefresh(t, body).taskID(t)
	if s := statuses(h.queryRefresh(t, first).refreshResults(t)); s[0] != StatusFailed {
		t.Fatalf("first refresh %v, want failed", s)
	}
	if s := statuses(h.queryRefresh(t, second).refreshResults(t)); s[0] != StatusSucceed {
		t.Fatalf("second refresh %v, want succeed", s)
	}
}

func TestRefreshUppercaseStatus(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.UppercaseStatus = true; c.ProcessingTime = -1 })
	id := h.createRefresh(t, `{"urls":["https://cdn.example.com/a.mp4"]}`).taskID(t)
	if s := statuses(h.queryRefresh(t, id).refreshResults(t)); s[0] != "SUCCEED" {
		t.Fatalf("status %v, want SUCCEED", s)
	}
}

func TestRefreshCreateValidation(t *testing.T) {
	h := newHarness(t, nil)
	var eleven []string
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("%q", fmt.Sprintf("https://cdn.example.com/%d.mp4", i)))
	}
	list := "[" + strings.Join(eleven, ",") + "]"
	long := `"https://cdn.example.com/` + strings.Repeat("a", MaxRefreshURLLength) + `"`
	for name, tc := range map[string]struct{ body, field string }{
		"not json":       {`{`, "{body}"},
		"empty":          {`{}`, "{urls}"},
		"eleven urls":    {`{"urls":` + list + `}`, "{urls}"},
		"eleven assets":  {`{"asset_id_list":` + list + `}`, "{asset_id_list}"},
		"blank url":      {`{"urls":[" "]}`, "{urls}"},
		"url too long":   {`{"urls":[` + long + `]}`, "{urls}"},
		"blank asset id": {`{"asset_id_list":[""]}`, "{asset_id_list}"},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.createRefresh(t, tc.body)
			if r.status != http.StatusBadRequest || r.errorCode(t) != "VOD.10053" || !strings.Contains(string(r.body), tc.field) {
				t.Fatalf("status %d body %s, want 400 VOD.10053 naming %s", r.status, r.body, tc.field)
			}
		})
	}
	// Exactly at the limits is accepted.
	ten := "[" + strings.Join(eleven[:10], ",") + "]"
	h.createRefresh(t, `{"urls":`+ten+`,"asset_id_list":`+ten+`}`).taskID(t)
	h.createRefresh(t, `{"urls":["https://cdn.example.com/`+strings.Repeat("a", MaxRefreshURLLength-len("https://cdn.example.com/"))+`"]}`).taskID(t)
}

func TestRefreshQueryValidationAndRouting(t *testing.T) {
	h := newHarness(t, nil)
	for _, q := range []string{"", "unknown"} {
		if r := h.queryRefresh(t, q); r.status != http.StatusBadRequest || r.errorCode(t) != "VOD.10053" {
			t.Fatalf("query %q: %d %s", q, r.status, r.body)
		}
	}
	// The refresh API is under /v1/, not /v1.0/ as preheating is.
	if r := h.send(t, http.MethodGet, "/v1.0/"+testPID+"/asset/refresh?task_id=x", "", true); r.status != http.StatusNotFound {
		t.Fatalf("/v1.0/ refresh: %d %s", r.status, r.body)
	}
	if r := h.send(t, http.MethodPost, refreshPath, `{"urls":["https://cdn.example.com/a.mp4"]}`, false); r.status != http.StatusUnauthorized {
		t.Fatalf("unsigned refresh: %d %s", r.status, r.body)
	}
}

func TestRefreshQuotaCountsApartFromPreheats(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Quota = Quota{CreatesPerMinute: 1, RefreshesPerMinute: 2, RefreshesPerDay: 3, RefreshQueriesPerMinute: 1}
	})
	body := `{"urls":["https://cdn.example.com/a.mp4"]}`
	h.create(t, body).taskID(t)
	id := h.createRefresh(t, body).taskID(t)
	h.createRefresh(t, body).taskID(t)
	wantThrottled(t, h.createRefresh(t, body), "limit:2,time:1 minute")
	wantThrottled(t, h.create(t, body), "limit:1,time:1 minute")
	h.queryRefresh(t, id).refreshResults(t)
	wantThrottled(t, h.queryRefresh(t, id), "limit:1,time:1 minute")
	h.clock.Advance(time.Minute)
	h.createRefresh(t, body).taskID(t)
	wantThrottled(t, h.createRefresh(t, body), "limit:3,time:1 day")
}

func TestHuaweiQuotaHasRefreshLimits(t *testing.T) {
	if HuaweiQuota.RefreshesPerMinute != 100 || HuaweiQuota.RefreshesPerDay != 1000 {
		t.Fatalf("HuaweiQuota %+v, want 100 refreshes a minute and 1000 a day", HuaweiQuota)
	}
}

func TestStalePreheatsCountPreheatsBeforeTheRefreshEnded(t *testing.T) {
	h := newHarness(t, nil)
	const u = "https://cdn.example.com/v.mp4"
	body := `{"urls":["` + u + `"]}`
	h.create(t, body).taskID(t)
	if n := h.srv.StalePreheats(u); n != 0 {
		t.Fatalf("StalePreheats = %d before any change, want 0", n)
	}
	h.srv.UpdateContent(u)
	h.create(t, body).taskID(t) // stale: not refreshed
	h.createRefresh(t, body).taskID(t)
	h.create(t, body).taskID(t) // stale: the refresh is still processing
	h.clock.Advance(10 * time.Second)
	h.create(t, body).taskID(t) // fresh
	if n := h.srv.StalePreheats(u); n != 2 {
		t.Fatalf("StalePreheats = %d, want 2", n)
	}
	// A refresh created before the change does not count for it.
	h.srv.UpdateContent(u)
	h.create(t, body).taskID(t)
	if n := h.srv.StalePreheats(u); n != 3 {
		t.Fatalf("StalePreheats = %d after a second change, want 3", n)
	}
}
