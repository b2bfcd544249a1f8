package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestScriptAnswersRewritesWhatQueriesList(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ProcessingTime = -1 })
	id := h.create(t, `{"urls": ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4", "https://cdn.example.com/c.mp4"]}`).taskID(t)
	h.srv.ScriptAnswers(AnswerScript{
		Respell:    map[string]string{"https://cdn.example.com/a.mp4": "HTTPS://CDN.example.com:443/a.mp4"},
		Omit:       []string{"https://cdn.example.com/b.mp4"},
		Extra:      []URLSeed{{URL: "https://cdn.example.com/b.mp4?x=1"}, {URL: "https://cdn.example.com/d.mp4", Status: "failed"}},
		WithoutURL: true,
	})
	got := h.query(t, id).results(t)
	want := []URLSeed{
		{URL: "HTTPS://CDN.example.com:443/a.mp4", Status: "succeed"},
		{URL: "https://cdn.example.com/c.mp4", Status: "succeed"},
		{URL: "https://cdn.example.com/b.mp4?x=1", Status: "succeed"},
		{URL: "https://cdn.example.com/d.mp4", Status: "failed"},
		{URL: "", Status: "succeed"},
	}
	if len(got) != len(want) {
		t.Fatalf("results = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("result %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if body := string(h.query(t, id).body); strings.Count(body, `"url"`) != 4 {
		t.Errorf("the entry without url must have no url field: %s", body)
	}

	h.srv.ScriptAnswers(AnswerScript{})
	if got := h.query(t, id).results(t); len(got) != 3 || got[0].URL != "https://cdn.example.com/a.mp4" {
		t.Errorf("after the script is cleared: %+v, want the task as sent", got)
	}
}

func TestScriptAnswersKeepsStatusesSimulated(t *testing.T) {
	h := newHarness(t, nil) // ProcessingTime 10s on the fake clock
	id := h.create(t, `{"urls": ["https://cdn.example.com/a.mp4"]}`).taskID(t)
	h.srv.ScriptAnswers(AnswerScript{Respell: map[string]string{"https://cdn.example.com/a.mp4": "https://cdn.example.com/%61.mp4"}})
	if got := h.query(t, id).results(t); got[0].Status != "processing" || got[0].URL != "https://cdn.example.com/%61.mp4" {
		t.Errorf("before the task ends: %+v", got)
	}
	h.clock.Advance(11 * time.Second)
	if got := h.query(t, id).results(t); got[0].Status != "succeed" {
		t.Errorf("after the task ended: %+v", got)
	}
}
