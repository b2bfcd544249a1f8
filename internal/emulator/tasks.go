package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Preheat statuses VOD reports.
const (
	StatusProcessing = "processing"
	StatusSucceed    = "succeed"
	StatusFailed     = "failed"
)

// MaxURLsPerTask is VOD's limit on URLs in one preheat task.
const MaxURLsPerTask = 10

// URLSeed is one URL of a task. An empty Status means "simulate": the task's
// simulated URLs end one by one, in order, evenly spread over
// Config.ProcessingTime from the moment the task was created or seeded (the
// k-th of m ends at k/m of it), so a query in between sees a partial task.
// An ended URL is "failed" if it contains "fail" (case insensitive), or if it
// contains "flaky" and this is the first time the emulator preheats it (in
// any task: sent again, it succeeds), and "succeed" otherwise. A non-empty
// Status is fixed and is returned verbatim forever, even one VOD never sends
// (e.g. "queued").
type URLSeed struct {
	URL    string `json:"url"`
	Status string `json:"status"`
}

// task is immutable once stored, so readers may use it without the lock.
type task struct {
	created time.Time
	urls    []URLSeed
	// attempt is, per simulated URL, how many times the emulator had
	// preheated (or, for a refresh task, refreshed) it when this task was
	// stored (1 the first time).
	attempt []int
}

// SeedTask registers (or replaces) a task under taskID, starting its clock
// now. Its simulated URLs count as preheated once more (see URLSeed).
func (s *Server) SeedTask(taskID string, urls []URLSeed) {
	t := &task{created: s.cfg.Now(), urls: append([]URLSeed(nil), urls...), attempt: make([]int, len(urls))}
	s.mu.Lock()
	if s.preheats == nil {
		s.preheats = map[string]int{}
	}
	for i, u := range t.urls {
		if u.Status == "" {
			s.preheats[u.URL]++
			t.attempt[i] = s.preheats[u.URL]
		}
	}
	s.tasks[taskID] = t
	s.mu.Unlock()
}

// PreheatCount is how many times url was preheated (sent in a task with no
// fixed status) so far.
func (s *Server) PreheatCount(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.preheats[url]
}

// CreateTask does what a successful POST does and returns the new task id
// (32 lowercase hex characters). An assetID adds synthetic URLs derived from
// it after the listed ones, as VOD preheats an asset's published playback
// URLs together with any URLs given.
func (s *Server) CreateTask(assetID string, urls []string) string {
	if assetID != "" {
		urls = append(slices.Clone(urls), assetURLs(assetID)...)
	}
	s.notePreheats(urls)
	seeds := make([]URLSeed, len(urls))
	for i, u := range urls {
		seeds[i] = URLSeed{URL: u}
	}
	id := newHexID()
	s.SeedTask(id, seeds)
	return id
}

// assetURLs stands in for an asset's playback URLs.
func assetURLs(assetID string) []string {
	base := "https://vod.example.com/asset/" + url.PathEscape(assetID)
	return []string{base + "/index.m3u8", base + "/index.mp4"}
}

// TaskStatus returns the statuses a GET would report right now.
func (s *Server) TaskStatus(taskID string) ([]URLSeed, bool) {
	t := s.lookup(taskID)
	if t == nil {
		return nil, false
	}
	return s.results(t), true
}

func (s *Server) lookup(taskID string) *task {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tasks[taskID]
}

// DeleteTask forgets a task, as VOD may eventually do; later queries of it
// are answered like an unknown task (400 VOD.10053). Huawei documents neither
// how long tasks are kept nor the answer for a forgotten one: that answer is
// the emulator's choice. It reports whether the task existed.
func (s *Server) DeleteTask(taskID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.tasks[taskID]
	delete(s.tasks, taskID)
	return ok
}

// results resolves every URL's status at one instant, in the task's order.
func (s *Server) results(t *task) []URLSeed {
	simulated := 0
	for _, u := range t.urls {
		if u.Status == "" {
			simulated++
		}
	}
	elapsed := s.cfg.Now().Sub(t.created)
	out := make([]URLSeed, len(t.urls))
	k := 0 // simulated URLs seen so far
	for i, u := range t.urls {
		out[i] = u
		if u.Status != "" {
			continue
		}
		k++
		ends := s.cfg.ProcessingTime * time.Duration(k) / time.Duration(simulated)
		switch {
		case s.cfg.ProcessingTime >= 0 && elapsed < ends:
			out[i].Status = StatusProcessing
		case failsThisTime(u.URL, t.attempt[i]):
			out[i].Status = StatusFailed
		default:
			out[i].Status = StatusSucceed
		}
	}
	return out
}

// failsThisTime reports whether the preheat number attempt of url fails:
// always for a URL containing "fail", the first time for one containing
// "flaky" (case insensitive both).
func failsThisTime(url string, attempt int) bool {
	lower := strings.ToLower(url)
	return strings.Contains(lower, "fail") || (strings.Contains(lower, "flaky") && attempt <= 1)
}

// wireStatus is status as a query answers it: uppercase, as the SDKs' enums
// spell the three documented statuses, when Config.UppercaseStatus is set.
// Any other status is sent as it was seeded.
func (s *Server) wireStatus(status string) string {
	if !s.cfg.UppercaseStatus {
		return status
	}
	switch strings.ToLower(status) {
	case StatusProcessing, StatusSucceed, StatusFailed:
		return strings.ToUpper(status)
	}
	return status
}

// SeedFile is the format LoadSeedFile reads, for example:
//
//	{"tasks": [
//	  {"task_id": "5199337c31c8e4622f1590735b13a263",
//	   "urls": [{"url": "https://cdn.example.com/a.mp4", "status": "succeed"},
//	            {"url": "https://cdn.example.com/b.mp4", "status": "queued"},
//	            {"url": "https://cdn.example.com/c.mp4"}]}
//	]}
//
// "status" is optional per URL; see URLSeed for what an absent one means.
// Unknown fields are rejected so typos surface instead of being ignored.
type SeedFile struct {
	Tasks []SeedTaskEntry `json:"tasks"`
}

// SeedTaskEntry is one task of a SeedFile.
type SeedTaskEntry struct {
	TaskID string    `json:"task_id"`
	URLs   []URLSeed `json:"urls"`
}

// LoadSeedFile seeds every task in the JSON file at path (format: SeedFile).
// Nothing is seeded if the file is invalid.
func (s *Server) LoadSeedFile(path string) error {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the operator names the seed file; reading it is the point
	if err != nil {
		return fmt.Errorf("read seed file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var file SeedFile
	if err := dec.Decode(&file); err != nil {
		return fmt.Errorf("parse seed file %s: %w", path, err)
	}
	seen := make(map[string]bool, len(file.Tasks))
	for i, entry := range file.Tasks {
		switch {
		case entry.TaskID == "":
			return fmt.Errorf("seed file %s: task %d has no task_id", path, i)
		case seen[entry.TaskID]:
			return fmt.Errorf("seed file %s: task_id %q appears twice", path, entry.TaskID)
		}
		seen[entry.TaskID] = true
		for j, u := range entry.URLs {
			if u.URL == "" {
				return fmt.Errorf("seed file %s: task %q url %d is empty", path, entry.TaskID, j)
			}
		}
	}
	for _, entry := range file.Tasks {
		s.SeedTask(entry.TaskID, entry.URLs)
	}
	return nil
}

// createRequest is the POST body; both fields are optional on the wire.
type createRequest struct {
	AssetID string   `json:"asset_id"`
	URLs    []string `json:"urls"`
}

func (s *Server) handleCreate(w http.ResponseWriter, body []byte) {
	var req createRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeIllegalField(w, "body")
		return
	}
	if len(req.URLs) > MaxURLsPerTask {
		// VOD.10086 is the emulator's choice: no source confirms the code VOD sends.
		writeError(w, http.StatusBadRequest, "VOD.10086",
			fmt.Sprintf("The number of preheating URLs exceeds the upper limit: at most %d URLs per task.", MaxURLsPerTask))
		return
	}
	for _, u := range req.URLs {
		if strings.TrimSpace(u) == "" {
			writeIllegalField(w, "urls")
			return
		}
	}
	if req.AssetID == "" && len(req.URLs) == 0 {
		writeIllegalField(w, "urls")
		return
	}
	id := s.CreateTask(req.AssetID, req.URLs)
	writeJSON(w, http.StatusAccepted, struct {
		TaskID string `json:"task_id"`
	}{id})
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	taskID := r.URL.Query().Get("task_id")
	t := s.lookup(taskID)
	if taskID == "" || t == nil {
		s.mu.Lock()
		answer := s.unknownTask
		s.mu.Unlock()
		if answer != nil && taskID != "" {
			writeError(w, answer.status, answer.code, "The preheat task does not exist.")
			return
		}
		writeIllegalField(w, "task_id")
		return
	}
	s.writeResults(w, "preheating_results", t)
}

// writeResults answers a successful query of t, its URLs listed under key.
func (s *Server) writeResults(w http.ResponseWriter, key string, t *task) {
	s.mu.Lock()
	status, script := s.queryStatus, s.script
	s.mu.Unlock()
	results := script.apply(s.results(t))
	for i := range results {
		results[i].Status = s.wireStatus(results[i].Status)
	}
	writeJSON(w, status, map[string][]wireResult{key: results})
}

func writeIllegalField(w http.ResponseWriter, field string) {
	writeError(w, http.StatusBadRequest, "VOD.10053",
		"The request parameter is illegal, illegal field: {"+field+"}.")
}
