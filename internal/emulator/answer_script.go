package emulator

import "slices"

// AnswerScript makes queries list a task's URLs otherwise than they were
// sent, to play an API that respells, drops or adds URLs, or sends entries
// without a url. It applies to every query answered while it is set, after
// the statuses are resolved; tasks themselves are not changed.
type AnswerScript struct {
	// Respell maps a URL as sent to the spelling the answer lists it under.
	Respell map[string]string
	// Omit lists URLs as sent that the answer leaves out.
	Omit []string
	// Extra entries are listed after the task's own, with their status as
	// given ("" lists them as succeed).
	Extra []URLSeed
	// WithoutURL adds, after the rest, an entry that has a status (succeed)
	// and no url field.
	WithoutURL bool
}

// ScriptAnswers sets the script for the queries answered from now on; the
// zero AnswerScript answers as sent again.
func (s *Server) ScriptAnswers(script AnswerScript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = script
}

// wireResult is one entry of a query's answer; URL is nil for an entry a
// script sends without url.
type wireResult struct {
	URL    *string `json:"url,omitempty"`
	Status string  `json:"status"`
}

// apply turns a task's resolved results into the entries of the answer.
func (a AnswerScript) apply(results []URLSeed) []wireResult {
	out := make([]wireResult, 0, len(results)+len(a.Extra)+1)
	for _, r := range results {
		if slices.Contains(a.Omit, r.URL) {
			continue
		}
		url := r.URL
		if respelled, ok := a.Respell[url]; ok {
			url = respelled
		}
		out = append(out, wireResult{URL: &url, Status: r.Status})
	}
	for _, extra := range a.Extra {
		url, status := extra.URL, extra.Status
		if status == "" {
			status = StatusSucceed
		}
		out = append(out, wireResult{URL: &url, Status: status})
	}
	if a.WithoutURL {
		out = append(out, wireResult{Status: StatusSucceed})
	}
	return out
}
