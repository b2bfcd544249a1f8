package emulator

// CDN refresh: POST and GET /v1/{project_id}/asset/refresh (the official
// SDK's RefreshAsset and ShowRefreshResult). A refresh task progresses like a
// preheat task (see URLSeed: the same clock, the same "fail" and "flaky"
// conventions, counted over refreshes), and its query answers
// {"refresh_results": [{"url", "status"}]}.
//
// The emulator also remembers when a URL's content changed (UpdateContent):
// a preheat of that URL sent before a refresh of it has succeeded warms the
// old copy, and StalePreheats counts those, so a test can tell a release that
// refreshed first from one that did not.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Limits of one refresh task, from the API reference.
const (
	MaxRefreshURLs      = 10
	MaxRefreshAssets    = 10
	MaxRefreshURLLength = 10240
)

// refreshState is the Server's refresh side, guarded by Server.mu.
type refreshState struct {
	tasks   map[string]*task
	counts  map[string]int       // times each URL was refreshed
	changed map[string]time.Time // when each URL's content last changed
	stale   map[string]int       // preheats of a URL sent while its cache was stale
}

func (r *refreshState) init() {
	if r.tasks == nil {
		r.tasks, r.counts = map[string]*task{}, map[string]int{}
		r.changed, r.stale = map[string]time.Time{}, map[string]int{}
	}
}

// CreateRefreshTask does what a successful refresh POST does and returns the
// new task id. Each asset adds its synthetic URLs (as CreateTask does) after
// the listed URLs.
func (s *Server) CreateRefreshTask(assetIDs, urls []string) string {
	urls = slices.Clone(urls)
	for _, id := range assetIDs {
		urls = append(urls, assetURLs(id)...)
	}
	t := &task{created: s.cfg.Now(), urls: make([]URLSeed, len(urls)), attempt: make([]int, len(urls))}
	id := newHexID()
	s.mu.Lock()
	s.refresh.init()
	for i, u := range urls {
		t.urls[i] = URLSeed{URL: u}
		s.refresh.counts[u]++
		t.attempt[i] = s.refresh.counts[u]
	}
	s.refresh.tasks[id] = t
	s.mu.Unlock()
	return id
}

// RefreshCount is how many times url was sent in a refresh task so far.
func (s *Server) RefreshCount(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh.counts[url]
}

// RefreshTaskStatus returns the statuses a refresh GET would report now.
func (s *Server) RefreshTaskStatus(taskID string) ([]URLSeed, bool) {
	s.mu.Lock()
	t := s.refresh.tasks[taskID]
	s.mu.Unlock()
	if t == nil {
		return nil, false
	}
	return s.results(t), true
}

// UpdateContent records that url's content changed now (a new version of
// the video was published): the CDN's copy is stale until a refresh of url
// created from now on has succeeded.
func (s *Server) UpdateContent(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh.init()
	s.refresh.changed[url] = s.cfg.Now()
}

// StalePreheats is how many preheats of url were created while its cache
// was stale: after UpdateContent and before a later refresh of it succeeded.
func (s *Server) StalePreheats(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh.stale[url]
}

// notePreheats counts, among urls being preheated now, those whose cache
// is stale.
func (s *Server) notePreheats(urls []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh.init()
	for _, u := range urls {
		if changed, ok := s.refresh.changed[u]; ok && !s.refreshedSince(u, changed) {
			s.refresh.stale[u]++
		}
	}
}

// refreshedSince reports whether a refresh of url created at or after
// since has succeeded by now. The caller holds s.mu.
func (s *Server) refreshedSince(url string, since time.Time) bool {
	for _, t := range s.refresh.tasks {
		if t.created.Before(since) {
			continue
		}
		for _, r := range s.results(t) {
			if r.URL == url && r.Status == StatusSucceed {
				return true
			}
		}
	}
	return false
}

// refreshRequest is the refresh POST body; both fields are optional on the wire.
type refreshRequest struct {
	AssetIDList []string `json:"asset_id_list"`
	URLs        []string `json:"urls"`
}

// handleRefreshCreate checks the body as the API reference states the
// limits. The answers are the emulator's choice: VOD documents none for a
// body over them, so each is 400 VOD.10053 naming the field.
func (s *Server) handleRefreshCreate(w http.ResponseWriter, body []byte) {
	var req refreshRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeIllegalField(w, "body")
		return
	}
	switch {
	case len(req.URLs) > MaxRefreshURLs:
		writeError(w, http.StatusBadRequest, "VOD.10053",
			fmt.Sprintf("The request parameter is illegal, illegal field: {urls}: at most %d URLs per refresh task.", MaxRefreshURLs))
		return
	case len(req.AssetIDList) > MaxRefreshAssets:
		writeError(w, http.StatusBadRequest, "VOD.10053",
			fmt.Sprintf("The request parameter is illegal, illegal field: {asset_id_list}: at most %d asset IDs per refresh task.", MaxRefreshAssets))
		return
	case len(req.URLs) == 0 && len(req.AssetIDList) == 0:
		writeIllegalField(w, "urls")
		return
	}
	for _, u := range req.URLs {
		if strings.TrimSpace(u) == "" || len(u) > MaxRefreshURLLength {
			writeIllegalField(w, "urls")
			return
		}
	}
	for _, id := range req.AssetIDList {
		if strings.TrimSpace(id) == "" {
			writeIllegalField(w, "asset_id_list")
			return
		}
	}
	id := s.CreateRefreshTask(req.AssetIDList, req.URLs)
	writeJSON(w, http.StatusAccepted, struct {
		TaskID string `json:"task_id"`
	}{id})
}

func (s *Server) handleRefreshQuery(w http.ResponseWriter, r *http.Request) {
	taskID := r.URL.Query().Get("task_id")
	s.mu.Lock()
	t := s.refresh.tasks[taskID]
	s.mu.Unlock()
	if taskID == "" || t == nil {
		writeIllegalField(w, "task_id")
		return
	}
	s.writeResults(w, "refresh_results", t)
}
