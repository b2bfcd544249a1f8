package provider

// Acceptance tests of resuming: the Terraform CLI run by hand (cliWorkdir),
// since they untaint, send Ctrl-C and kill -9, which terraform-plugin-testing
// cannot. Tasks that must not end on their own take an hour on the emulator's
// clock, which the test moves on (advance) once the run was stopped: no test
// depends on how fast the machine is.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// acceptedCreates counts the creates the emulator accepted: tasks that exist.
func (e *testEmulator) acceptedCreates() int {
	n := 0
	for _, r := range e.Requests() {
		if r.Method == http.MethodPost && r.Status == http.StatusAccepted {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds; the generous bound only keeps a broken
// test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start runs one terraform command in the background; output collects
// what it prints.
func (w *cliWorkdir) start(output *bytes.Buffer, args ...string) *exec.Cmd {
	w.t.Helper()
	args = append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)
	cmd := exec.Command(w.terraform, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = w.dir, w.env, output, output
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return cmd
}

// mustRun runs a command that must succeed, returning its output.
func (w *cliWorkdir) mustRun(args ...string) string {
	w.t.Helper()
	out, err := w.run(args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// values reads one resource's attributes from terraform show -json.
func (w *cliWorkdir) values(address string) map[string]any {
	w.t.Helper()
	out := w.mustRun("show", "-json")
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		w.t.Fatalf("%v: %s", err, out)
	}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values
		}
	}
	w.t.Fatalf("%s is not in state:\n%s", address, out)
	return nil
}

func stringsOf(value any) []string {
	var out []string
	list, _ := value.([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// journalTasks reads the test's journal (clearProviderEnv points
// HW_VOD_JOURNAL_PATH at it): every task it lists.
func journalTasks(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(os.Getenv("HW_VOD_JOURNAL_PATH"))
	if err != nil {
		return nil
	}
	var f journalFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil // a reader may meet the file between two writes only whole, but be safe
	}
	var ids []string
	for _, rec := range f.Preheats {
		for _, task := range rec.Tasks {
			ids = append(ids, task.TaskID)
		}
	}
	return ids
}

// resumeBatchConfig is a batch of n URLs that polls often.
func (e *testEmulator) resumeBatchConfig(n int, extra string) string {
	return e.batchConfig("  urls = " + releaseURLs(n, "https://cdn.example.com/resume/%02d.ts") + "\n  poll_interval = \"100ms\"\n" + extra)
}

// TestAccPreheatResume_killedMidWaitAdoptsItsTasks kills terraform (kill
// -9) while the batch waits: nothing reaches state, but the journal has the
// tasks, and the next apply in the same directory adopts and waits for them.
func TestAccPreheatResume_killedMidWaitAdoptsItsTasks(t *testing.T) {
	emu := newTestEmulator(t, time.Hour)
	// A bound for the case where the tasks are created again: new tasks
	// would take an hour, so the second apply would time out and fail.
	w := newCLIWorkdir(t, "1.5.0", emu.resumeBatchConfig(15, "  timeouts = {\n    create = \"60s\"\n  }\n"))
	var output bytes.Buffer
	cmd := w.start(&output, "apply", "-auto-approve", "-input=false")
	waitFor(t, "both tasks in the journal", func() bool { return len(journalTasks(t)) == 2 })
	created := journalTasks(t)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if state, err := os.ReadFile(w.dir + "/terraform.tfstate"); err == nil && strings.Contains(string(state), created[0]) {
		t.Fatalf("the killed run saved its state; the test needs one that did not:\n%s", state)
	}

	emu.advance(2 * time.Hour) // the tasks end
	out := w.mustRun("apply", "-auto-approve", "-input=false")
	requireInOrder(t, out, "Adopted preheat tasks an earlier run created", created[0])
	if n := emu.acceptedCreates(); n != 2 {
		t.Fatalf("%d creates over both runs, want 2: the second run must adopt the first's tasks", n)
	}
	v := w.values(batchAddress)
	if ids := stringsOf(v["task_ids"]); !slices.Equal(ids, created) || v["completed"] != true || v["all_succeeded"] != true || v["total"] != 15.0 {
		t.Fatalf("task_ids %v (journal had %v), completed %v, all_succeeded %v, total %v", ids, created, v["completed"], v["all_succeeded"], v["total"])
	}
	if left := journalTasks(t); len(left) != 0 {
		t.Fatalf("the journal still lists %v after state has them", left)
	}
}

// TestAccPreheatResume_dailyQuotaStopSendsOnlyWhatWasNotSent stops a batch
// of 25 URLs at the daily quota after 2 tasks; after untaint, the plan says
// what it will send, and the apply sends only the 5 URLs not sent. One of
// them fails: fail_on_failed gates as the first run would have.
func TestAccPreheatResume_dailyQuotaStopSendsOnlyWhatWasNotSent(t *testing.T) {
	clearProviderEnv(t)
	emu := &testEmulator{}
	emu.Server = emulator.New(emulator.Config{
		AccessKey: testAccessKey, SecretKey: testSecretKey, ProjectID: testProjectID,
		ProcessingTime: -1, Quota: emulator.Quota{CreatesPerDay: 2},
		Now:          func() time.Time { return time.Now().Add(time.Duration(emu.skew.Load())) },
		MaxClockSkew: 48 * time.Hour,
	})
	srv := httptest.NewServer(emu.Server)
	t.Cleanup(srv.Close)
	emu.URL = srv.URL
	urls := strings.Split(strings.Trim(releaseURLs(24, "https://cdn.example.com/resume/%02d.ts"), "[]"), ", ")
	urls = append(urls, `"https://cdn.example.com/resume/will-fail.ts"`)
	w := newCLIWorkdir(t, "1.5.0", emu.batchConfig("  urls = ["+strings.Join(urls, ", ")+"]\n  poll_interval = \"100ms\"\n"))

	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err == nil {
		t.Fatalf("the quota did not stop the batch:\n%s", out)
	}
	requireInOrder(t, out, "The daily preheat quota is used up", "not sent: 1 task, 5 URLs", "terraform untaint", "then terraform apply",
		"To start over, run terraform apply as it is")
	if v := w.values(batchAddress); len(stringsOf(v["not_sent_urls"])) != 5 || v["completed"] != false || v["all_succeeded"] != false {
		t.Fatalf("state after the stop: not_sent_urls %v, completed %v, all_succeeded %v", v["not_sent_urls"], v["completed"], v["all_succeeded"])
	}
	w.mustRun("untaint", batchAddress)
	out = w.mustRun("plan", "-input=false")
	requireInOrder(t, out, batchAddress+" will be updated in-place", "The preheat resumes where it stopped", "send 5 URLs not sent")
	if n := emu.acceptedCreates(); n != 2 {
		t.Fatalf("the plan created tasks: %d", n)
	}

	emu.advance(25 * time.Hour) // a new day: the quota is back
	out, err = w.run("apply", "-auto-approve", "-input=false")
	if err == nil {
		t.Fatalf("a failed URL must still fail the apply (fail_on_failed):\n%s", out)
	}
	requireInOrder(t, out, "Preheat failed", "https://cdn.example.com/resume/will-fail.ts")
	if n := emu.acceptedCreates(); n != 3 {
		t.Fatalf("%d creates in all, want 3: the resume sends only the task not sent", n)
	}
	for _, u := range urls {
		if n := emu.PreheatCount(strings.Trim(u, `"`)); n != 1 {
			t.Fatalf("%s preheated %d times, want 1", u, n)
		}
	}
	v := w.values(batchAddress)
	if len(stringsOf(v["not_sent_urls"])) != 0 || v["total"] != 25.0 || v["failed"] != 1.0 || v["completed"] != true || v["all_succeeded"] != false ||
		len(stringsOf(v["task_ids"])) != 3 {
		t.Fatalf("state after the resume: %v", v)
	}
}

// stopThenResume runs an apply that stop stops once both tasks of a batch
// exist, untaints the batch, lets the tasks end and applies again: the
// second apply must create nothing and wait for the same tasks.
func stopThenResume(t *testing.T, extraConfig string, stop func(*exec.Cmd), wantInOutput ...string) {
	emu := newTestEmulator(t, time.Hour)
	w := newCLIWorkdir(t, "1.5.0", emu.resumeBatchConfig(15, extraConfig))
	var output bytes.Buffer
	cmd := w.start(&output, "apply", "-auto-approve", "-input=false")
	waitFor(t, "both tasks created", func() bool { return len(journalTasks(t)) == 2 })
	stop(cmd)
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the stopped apply succeeded:\n%s", output.String())
	}
	requireInOrder(t, output.String(), wantInOutput...)
	created := stringsOf(w.values(batchAddress)["task_ids"])
	if len(created) != 2 {
		t.Fatalf("state after the stop has tasks %v, want 2", created)
	}
	w.mustRun("untaint", batchAddress)
	requireInOrder(t, w.mustRun("plan", "-input=false"), "will be updated in-place", "wait for 2 unfinished tasks")

	emu.advance(2 * time.Hour)
	w.mustRun("apply", "-auto-approve", "-input=false")
	if n := emu.acceptedCreates(); n != 2 {
		t.Fatalf("%d creates in all, want 2: the resume must create nothing", n)
	}
	v := w.values(batchAddress)
	if ids := stringsOf(v["task_ids"]); !slices.Equal(ids, created) || v["completed"] != true || v["all_succeeded"] != true {
		t.Fatalf("after the resume: task_ids %v (were %v), completed %v, all_succeeded %v", ids, created, v["completed"], v["all_succeeded"])
	}
	if out := w.mustRun("plan", "-input=false", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Fatalf("a finished resume must plan no change:\n%s", out)
	}
}

// TestAccPreheatResume_afterTimeoutWaitsForTheSameTasks stops the wait by
// timeouts.create; untaint and apply wait for the same tasks.
func TestAccPreheatResume_afterTimeoutWaitsForTheSameTasks(t *testing.T) {
	stopThenResume(t, "  timeouts = {\n    create = \"10s\"\n  }\n", func(*exec.Cmd) {},
		"Timed out waiting for the preheat task", "terraform untaint", "then terraform apply")
}

// TestAccPreheatResume_afterCtrlCWaitsForTheSameTasks interrupts the apply
// (SIGINT, as Ctrl-C does); untaint and apply wait for the same tasks.
func TestAccPreheatResume_afterCtrlCWaitsForTheSameTasks(t *testing.T) {
	stopThenResume(t, "", func(cmd *exec.Cmd) {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	}, "terraform untaint", "then terraform apply")
}

// TestAccPreheatResume_raisedRetryFailedResendsOnlyTheFailedURL fails one
// URL of a task; after untaint, raising retry_failed to 1 re-sends only it.
func TestAccPreheatResume_raisedRetryFailedResendsOnlyTheFailedURL(t *testing.T) {
	emu := newTestEmulator(t, -1)
	urls := "  urls = [\"https://cdn.example.com/ok.mp4\", \"https://cdn.example.com/flaky.mp4\"]\n  poll_interval = \"100ms\"\n"
	w := newCLIWorkdir(t, "1.5.0", emu.taskConfig(urls))
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err == nil {
		t.Fatalf("the failed URL did not fail the apply:\n%s", out)
	}
	requireInOrder(t, out, "Preheat failed", "https://cdn.example.com/flaky.mp4", "terraform untaint")
	w.mustRun("untaint", taskAddress)
	// Unchanged, nothing is left to do: the URL failed and has no round left.
	requireInOrder(t, w.mustRun("plan", "-input=false"), "No changes")

	if err := os.WriteFile(w.dir+"/main.tf", []byte(emu.taskConfig(urls+"  retry_failed = 1\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	requireInOrder(t, w.mustRun("plan", "-input=false"), "will be updated in-place", "re-send 1 failed URL (retry_failed = 1)")
	w.mustRun("apply", "-auto-approve", "-input=false")
	if ok, flaky := emu.PreheatCount("https://cdn.example.com/ok.mp4"), emu.PreheatCount("https://cdn.example.com/flaky.mp4"); ok != 1 || flaky != 2 {
		t.Fatalf("preheats: ok.mp4 %d, flaky.mp4 %d; want 1 and 2", ok, flaky)
	}
	v := w.values(taskAddress)
	if ids := stringsOf(v["task_ids"]); len(ids) != 2 || ids[0] != v["task_id"] || v["all_succeeded"] != true {
		t.Fatalf("after the retry: %v", v)
	}
	results, _ := v["preheating_results"].([]any)
	if len(results) != 2 || fmt.Sprint(results[1].(map[string]any)["attempts"]) != "2" {
		t.Fatalf("results %v", results)
	}
}
