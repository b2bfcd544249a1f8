package provider

// The journal: each task the moment it is created, written where the next
// apply in the same working directory finds it, so that a run Terraform
// never heard end (kill -9, an OOM kill, a recycled runner) is not preheated
// a second time. A create of the same preheat adopts the tasks it lists.
// The file's format first, then the resources' use of it: the key of a
// preheat, recording each task, adopting and forgetting them.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// journalFileName is the journal's name in Terraform's data directory.
const journalFileName = "vod-preheat-journal.json"

// defaultJournalPath is the journal in the working directory's data
// directory: .terraform, or TF_DATA_DIR when Terraform was told another
// (Terraform starts the provider in the working directory).
func defaultJournalPath() string {
	if dir := os.Getenv("TF_DATA_DIR"); dir != "" {
		return filepath.Join(dir, journalFileName)
	}
	return filepath.Join(".terraform", journalFileName)
}

// journal is the file of tasks created and not yet known to be in state.
// One mutex orders this process's writes; each write re-reads the file and
// replaces it whole (temporary file, then rename), so a reader never sees
// half a file.
type journal struct {
	path string
	mu   sync.Mutex
	// live are the tasks of runs in this process, by the run's context:
	// while it is not done they are never adopted, since they belong to
	// another resource's run of the same preheat in the same apply. A
	// run whose Terraform went away (killed) has its context cancelled.
	live map[string]context.Context
}

// journalFile is the file's content: per preheat identity, the tasks
// created for it, in creation order.
type journalFile struct {
	Version  int                      `json:"version"`
	Preheats map[string]journalRecord `json:"preheats"`
}

type journalRecord struct {
	// What names the preheat for a person reading the file.
	What  string            `json:"what"`
	Tasks []vod.CreatedTask `json:"tasks"`
}

// preheatKey identifies one preheat: where it is sent, what it sends, and
// the triggers that start a new one. Order does not matter, as in a plan.
type preheatKey struct {
	Endpoint string            `json:"endpoint"`
	Project  string            `json:"project"`
	URLs     []string          `json:"urls"`
	Assets   []string          `json:"assets"`
	Triggers map[string]string `json:"triggers"`
}

// id is the key's digest, the journal's index.
func (k preheatKey) id() string {
	k.URLs, k.Assets = sortedCopy(k.URLs), sortedCopy(k.Assets)
	raw, _ := json.Marshal(k) // maps marshal in key order
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func (k preheatKey) String() string {
	return fmt.Sprintf("%s at %s, project %s", describeNotSent(vod.SplitTasks(k.URLs, k.Assets)), k.Endpoint, k.Project)
}

func sortedCopy(values []string) []string {
	out := slices.Clone(values)
	sort.Strings(out)
	return out
}

// tasks returns the tasks recorded for key, in creation order, but those
// of runs still going in this process.
func (j *journal) tasks(key preheatKey) ([]vod.CreatedTask, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := j.read()
	var tasks []vod.CreatedTask
	for _, task := range f.Preheats[key.id()].Tasks {
		if ctx, ok := j.live[task.TaskID]; !ok || ctx.Err() != nil {
			tasks = append(tasks, task)
		}
	}
	return tasks, err
}

// release marks a run's tasks as no longer going: from now on a later run
// may adopt them (if state never gets them).
func (j *journal) release(taskIDs []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, id := range taskIDs {
		delete(j.live, id)
	}
}

// record adds a task created for key by the run of ctx.
func (j *journal) record(ctx context.Context, key preheatKey, task vod.CreatedTask) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := j.read()
	if err != nil {
		return err
	}
	if j.live == nil {
		j.live = map[string]context.Context{}
	}
	j.live[task.TaskID] = ctx
	rec := f.Preheats[key.id()]
	rec.What = key.String()
	rec.Tasks = append(rec.Tasks, task)
	f.Preheats[key.id()] = rec
	return j.write(f)
}

// clear forgets key's tasks, once state holds them; the file goes when it
// holds nothing.
func (j *journal) clear(key preheatKey) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := j.read()
	if err != nil {
		return err
	}
	if _, ok := f.Preheats[key.id()]; !ok {
		return nil
	}
	delete(f.Preheats, key.id())
	if len(f.Preheats) == 0 {
		if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing the preheat journal %s: %w", j.path, err)
		}
		return nil
	}
	return j.write(f)
}

// read loads the file; a missing file is an empty journal.
func (j *journal) read() (journalFile, error) {
	f := journalFile{Version: 1, Preheats: map[string]journalRecord{}}
	raw, err := os.ReadFile(j.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		return f, fmt.Errorf("reading the preheat journal %s: %w", j.path, err)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return journalFile{Version: 1, Preheats: map[string]journalRecord{}},
			fmt.Errorf("the preheat journal %s is not valid JSON (%v): remove it, after checking its task IDs in the VOD console", j.path, err)
	}
	if f.Preheats == nil {
		f.Preheats = map[string]journalRecord{}
	}
	return f, nil
}

// write replaces the file atomically: a crash leaves the old file or the
// new one, never a part.
func (j *journal) write(f journalFile) error {
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("creating the preheat journal's directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, journalFileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing the preheat journal %s: %w", j.path, err)
	}
	defer os.Remove(tmp.Name()) // once renamed, there is nothing to remove
	_, err = tmp.Write(raw)
	if err == nil {
		err = tmp.Sync() // on disk before the rename makes it the journal
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing the preheat journal %s: %w", j.path, err)
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		return fmt.Errorf("writing the preheat journal %s: %w", j.path, err)
	}
	return nil
}

// journalKey identifies a resource's preheat in the journal.
func (d providerData) journalKey(ctx context.Context, urls, assets []string, triggers types.Map) (preheatKey, diag.Diagnostics) {
	key := preheatKey{Endpoint: d.scope.Endpoint, Project: d.scope.Project, URLs: urls, Assets: assets, Triggers: map[string]string{}}
	var diags diag.Diagnostics
	if !triggers.IsNull() && !triggers.IsUnknown() {
		diags = triggers.ElementsAs(ctx, &key.Triggers, false)
	}
	return key, diags
}

// taskRecorder is a run's OnTaskCreated: it logs each task as it is
// created and writes it to the journal. Journal errors become one warning.
type taskRecorder struct {
	ctx     context.Context
	journal *journal
	key     preheatKey
	mu      sync.Mutex
	errs    []string
}

func (r *taskRecorder) record(task vod.CreatedTask) {
	tflog.Info(r.ctx, "Preheat task "+task.TaskID+" created", map[string]any{"task_id": task.TaskID, "urls": len(task.Spec.URLs), "asset_id": task.Spec.AssetID, "round": task.Round})
	if r.journal == nil {
		return
	}
	if err := r.journal.record(r.ctx, r.key, task); err != nil {
		r.mu.Lock()
		r.errs = append(r.errs, err.Error())
		r.mu.Unlock()
	}
}

func (r *taskRecorder) diagnostics() diag.Diagnostics {
	var diags diag.Diagnostics
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) > 0 {
		diags.AddWarning("Cannot write the preheat journal", strings.Join(slices.Compact(r.errs), "\n")+
			"\n\nThe tasks are in state all the same; only a run killed before Terraform saves its state (kill -9, a recycled runner) "+
			"would create them again. Set journal_path to a writable file, or journal = false to silence this.")
	}
	return diags
}

// adoptJournal adds to o the tasks the journal holds for key and o does
// not: tasks an earlier run created and Terraform never saved.
func (d providerData) adoptJournal(ctx context.Context, key preheatKey, o vod.PreheatOutcome) (vod.PreheatOutcome, int, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d.journal == nil {
		return o, 0, diags
	}
	created, err := d.journal.tasks(key)
	if err != nil {
		diags.AddWarning("Cannot read the preheat journal", err.Error()+
			"\n\nA task an earlier run created and could not save in state may be created again.")
		return o, 0, diags
	}
	adopted := vod.AdoptInto(o, created)
	n := len(adopted.TaskIDs) - len(o.TaskIDs)
	if n > 0 {
		tflog.Info(ctx, fmt.Sprintf("Adopting %s from the preheat journal %s", plural(n, "task"), d.journal.path))
	}
	return adopted, n, diags
}

// forgetJournal clears key once state holds every task the journal lists
// for it; nothing when a task there is not in state yet.
func (d providerData) forgetJournal(ctx context.Context, key preheatKey, taskIDs []string) {
	if d.journal == nil {
		return
	}
	created, err := d.journal.tasks(key)
	if err != nil || len(created) == 0 {
		return
	}
	for _, c := range created {
		if !slices.Contains(taskIDs, c.TaskID) {
			return
		}
	}
	if err := d.journal.clear(key); err != nil {
		tflog.Warn(ctx, "Cannot clear the preheat journal: "+err.Error())
	}
}

// clearJournalOf forgets a destroyed preheat, so that a later one of the
// same URLs is new.
func (d providerData) clearJournalOf(ctx context.Context, urls, assets []string, triggers types.Map) {
	if d.journal == nil {
		return
	}
	if key, diags := d.journalKey(ctx, urls, assets, triggers); !diags.HasError() {
		_ = d.journal.clear(key)
	}
}
