package provider

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

func TestJournalRecordsAndClearsByPreheat(t *testing.T) {
	dir := t.TempDir()
	j := &journal{path: filepath.Join(dir, ".terraform", journalFileName)}
	a := preheatKey{Endpoint: "https://vod.example.com", Project: "p", URLs: []string{"https://cdn/1", "https://cdn/2"}}
	b := a
	b.Triggers = map[string]string{"release": "v2"}
	if tasks, err := j.tasks(a); err != nil || len(tasks) != 0 {
		t.Fatalf("a missing journal: %v, %v", tasks, err)
	}
	for _, task := range []vod.CreatedTask{{TaskID: "t1", Spec: vod.TaskSpec{URLs: a.URLs}}, {TaskID: "t2", Spec: vod.TaskSpec{URLs: a.URLs[1:]}, Round: 1}} {
		if err := j.record(context.Background(), a, task); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.record(context.Background(), b, vod.CreatedTask{TaskID: "t3"}); err != nil {
		t.Fatal(err)
	}
	j.release([]string{"t1", "t2", "t3"}) // their runs ended
	// The same URLs in another order are the same preheat; other triggers are not.
	reordered := a
	reordered.URLs = []string{"https://cdn/2", "https://cdn/1"}
	tasks, err := (&journal{path: j.path}).tasks(reordered)
	if err != nil || len(tasks) != 2 || tasks[0].TaskID != "t1" || tasks[1].Round != 1 || !slices.Equal(tasks[0].Spec.URLs, a.URLs) {
		t.Fatalf("tasks %+v, %v", tasks, err)
	}
	if err := j.clear(a); err != nil {
		t.Fatal(err)
	}
	if tasks, _ := j.tasks(a); len(tasks) != 0 {
		t.Fatalf("cleared, yet %+v", tasks)
	}
	if tasks, _ := j.tasks(b); len(tasks) != 1 {
		t.Fatalf("clearing one preheat lost another: %+v", tasks)
	}
	if err := j.clear(b); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(j.path))
	if len(entries) != 0 {
		t.Fatalf("an empty journal leaves files behind: %v", entries)
	}
}

func TestJournalRefusesAFileItCannotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), journalFileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	j := &journal{path: path}
	if _, err := j.tasks(preheatKey{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming the file", err)
	}
	if err := j.record(context.Background(), preheatKey{}, vod.CreatedTask{TaskID: "t1"}); err == nil {
		t.Fatal("recording into a broken journal must fail, not overwrite it")
	}
	if raw, _ := os.ReadFile(path); string(raw) != "{not json" {
		t.Fatalf("the broken journal was overwritten: %s", raw)
	}
}

func TestDefaultJournalPathFollowsTFDataDir(t *testing.T) {
	t.Setenv("TF_DATA_DIR", "")
	if got := defaultJournalPath(); got != filepath.Join(".terraform", journalFileName) {
		t.Fatalf("got %q", got)
	}
	t.Setenv("TF_DATA_DIR", "/var/tf")
	if got := defaultJournalPath(); got != filepath.Join("/var/tf", journalFileName) {
		t.Fatalf("got %q", got)
	}
}

// TestJournalNeverOffersTheTasksOfARunStillGoing checks two resources of
// the same preheat in one apply do not adopt each other's tasks: a task is
// offered only once its run has ended.
func TestJournalNeverOffersTheTasksOfARunStillGoing(t *testing.T) {
	j := &journal{path: filepath.Join(t.TempDir(), journalFileName)}
	key := preheatKey{URLs: []string{"https://cdn/1"}}
	run, cancel := context.WithCancel(context.Background())
	for _, id := range []string{"t1", "t2"} {
		if err := j.record(run, key, vod.CreatedTask{TaskID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if tasks, _ := j.tasks(key); len(tasks) != 0 {
		t.Fatalf("offered %+v while its run goes on", tasks)
	}
	j.release([]string{"t1"})
	if tasks, _ := j.tasks(key); len(tasks) != 1 || tasks[0].TaskID != "t1" {
		t.Fatalf("after t1's run ended: %+v", tasks)
	}
	cancel() // Terraform went away: the run's context ends before the run does
	if tasks, _ := j.tasks(key); len(tasks) != 2 {
		t.Fatalf("after the run's context ended: %+v", tasks)
	}
}
