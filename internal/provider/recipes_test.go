package provider

// Each pipeline recipe of examples/recipes (and docs/guides/pipeline-recipes.md)
// applied as written, with only the provider block added for the emulator.

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	goodTaskID = "600dc0de600dc0de600dc0de600dc0de"
	badTaskID  = "badbadbadbadbadbadbadbadbadbad00"
)

// recipe is the provider block for the emulator followed by the recipe file.
func (e *testEmulator) recipe(t *testing.T, name string) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "recipes", name, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return e.providerBlock() + "\n" + string(body)
}

// seedReleaseTasks seeds a task whose URLs all succeeded and one with a failed URL.
func (e *testEmulator) seedReleaseTasks() {
	e.SeedTask(goodTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/videos/launch/index.m3u8", Status: "succeed"},
		{URL: "https://cdn.example.com/videos/launch/1080p.mp4", Status: "succeed"},
	})
	e.SeedTask(badTaskID, []emulator.URLSeed{
		{URL: "https://cdn.example.com/videos/launch/index.m3u8", Status: "succeed"},
		{URL: "https://cdn.example.com/videos/launch/1080p.mp4", Status: "failed"},
	})
}

// withPipelineResource adds a resource, as a pipeline's configuration has,
// so that terraform destroy has something to destroy.
const withPipelineResource = "\nresource \"terraform_data\" \"pipeline\" {}\n"

// Recipe 1: a failed preheat is a warning; the run and destroy go on.
func TestAccRecipe_checkBlock(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.seedReleaseTasks()
	w := newCLIWorkdir(t, "1.5.0", emu.recipe(t, "check-block")+withPipelineResource)
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var=preheat_task_id="+badTaskID)
	if err != nil {
		t.Fatalf("a failed preheat must not fail the run: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Warning: Check block assertion failed",
		"Preheat task "+badTaskID+": 1 of 2 URLs failed.", "Apply complete!")
	out, err = w.run("apply", "-auto-approve", "-input=false", "-var=preheat_task_id="+goodTaskID)
	if err != nil || strings.Contains(out, "Warning: Check block assertion failed") {
		t.Fatalf("a preheat that succeeded must pass silently: %v\n%s", err, out)
	}
	if out, err = w.run("destroy", "-auto-approve", "-input=false", "-var=preheat_task_id="+badTaskID); err != nil {
		t.Fatalf("a failed preheat must not block destroy: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Destroy complete! Resources: 1 destroyed.")
}

// Recipe 2: a failed preheat fails the run. A postcondition does not block
// destroy: Terraform does not check conditions while destroying.
func TestAccRecipe_postcondition(t *testing.T) {
	emu := newTestEmulator(t, -1)
	emu.seedReleaseTasks()
	w := newCLIWorkdir(t, "1.5.0", emu.recipe(t, "postcondition")+withPipelineResource)
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var=preheat_task_id="+badTaskID)
	if err == nil {
		t.Fatalf("a failed preheat must fail the run:\n%s", out)
	}
	requireInOrder(t, out, "Error: Resource postcondition failed",
		"Preheat task "+badTaskID+" failed for: https://cdn.example.com/videos/launch/1080p.mp4.")
	if out, err = w.run("apply", "-auto-approve", "-input=false", "-var=preheat_task_id="+goodTaskID); err != nil {
		t.Fatalf("a preheat that succeeded must pass: %v\n%s", err, out)
	}
	if out, err = w.run("destroy", "-auto-approve", "-input=false", "-var=preheat_task_id="+badTaskID); err != nil {
		t.Fatalf("a failed preheat blocked destroy; the docs say a postcondition does not: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Destroy complete! Resources: 1 destroyed.")
}

// Recipe 3: create, then verify; a new content hash preheats again. Run by
// hand: terraform-plugin-testing plans with -refresh=false after each step,
// which defers the check block's read to apply and so never plans "no changes".
func TestAccRecipe_createThenVerify(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.5.0", emu.recipe(t, "create-then-verify"))
	var ids []string
	for _, hash := range []string{"sha256:1111", "sha256:2222"} {
		out, err := w.run("apply", "-auto-approve", "-input=false", "-var=content_hash="+hash)
		if err != nil {
			t.Fatalf("terraform apply: %v\n%s", err, out)
		}
		if out, err = w.run("output", "-raw", "preheat_task_id"); err != nil || !taskIDPattern.MatchString(out) {
			t.Fatalf("terraform output: %v\n%s", err, out)
		}
		ids = append(ids, out)
		// Verified at every plan: nothing changes while the preheat stays good.
		if out, err = w.run("plan", "-input=false", "-detailed-exitcode", "-var=content_hash="+hash); err != nil {
			t.Fatalf("the plan after apply is not empty: %v\n%s", err, out)
		}
		requireInOrder(t, out, "No changes.")
	}
	if ids[0] == ids[1] {
		t.Fatalf("a new content hash kept task %s; it must start a new preheat", ids[0])
	}
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2: one per content hash", n)
	}
}

// Recipe 4: the action after each publish, and by hand with -invoke.
func TestAccRecipe_actionTrigger(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.14.0", emu.recipe(t, "action-trigger"))
	prefix := "Action action.vod_preheat.release (triggered by terraform_data.video): "
	for _, version := range []string{"1", "2"} { // after_create, then after_update
		out, err := w.run("apply", "-auto-approve", "-input=false", "-var=release_version="+version)
		if err != nil {
			t.Fatalf("terraform apply: %v\n%s", err, out)
		}
		requireInOrder(t, out, prefix+"created preheat task", prefix+"2/2 succeeded, 0 failed, 0 processing", "Actions: 1 invoked.")
	}
	out, err := w.run("apply", "-auto-approve", "-input=false", "-var=release_version=2", "-invoke=action.vod_preheat.release")
	if err != nil {
		t.Fatalf("terraform apply -invoke: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Action action.vod_preheat.release (triggered by CLI): created preheat task",
		"Action action.vod_preheat.release (triggered by CLI): 2/2 succeeded, 0 failed, 0 processing")
	if n := emu.countRequests(http.MethodPost); n != 3 {
		t.Fatalf("%d create requests, want 3 (create, update, -invoke)", n)
	}
}

// Recipe 5: many preheats with for_each, summed up in an output. Run by hand:
// terraform-plugin-testing cannot read the state of for_each resources.
func TestAccRecipe_forEach(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.5.0", emu.recipe(t, "for-each"))
	releases := `-var=releases={launch = ["https://cdn.example.com/launch/index.m3u8", "https://cdn.example.com/launch/1080p.mp4"], ` +
		`trailer = ["https://cdn.example.com/trailer/will-fail.mp4"]}`
	if out, err := w.run("apply", "-auto-approve", "-input=false", releases); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	out, err := w.run("output", "-json", "preheat_summary")
	if err != nil {
		t.Fatalf("terraform output: %v\n%s", err, out)
	}
	var summary struct {
		AllSucceeded bool              `json:"all_succeeded"`
		ByRelease    map[string]string `json:"by_release"`
		FailedURLs   []string          `json:"failed_urls"`
	}
	if err := json.Unmarshal([]byte(out), &summary); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]string{"launch": "2/2 succeeded", "trailer": "0/1 succeeded"}
	if summary.AllSucceeded || !maps.Equal(summary.ByRelease, want) ||
		!slices.Equal(summary.FailedURLs, []string{"https://cdn.example.com/trailer/will-fail.mp4"}) {
		t.Fatalf("summary = %+v", summary)
	}
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2", n)
	}
}

// onFailureVars are the variables of recipes 6 and 7: release 1 with urls;
// the emulator fails a URL that contains "fail".
func onFailureVars(urls ...string) []string {
	return []string{"-var=release_version=1", `-var=preheat_urls=["` + strings.Join(urls, `","`) + `"]`}
}

const (
	recipeGoodURL   = "https://cdn.example.com/videos/launch/index.m3u8"
	recipeFailedURL = "https://cdn.example.com/videos/launch/will-fail.mp4"
)

// applyArgs is "apply -auto-approve -input=false" followed by args.
func applyArgs(args ...string) []string {
	return append([]string{"apply", "-auto-approve", "-input=false"}, args...)
}

// Recipe 6: on_failure = continue turns a failed preheat into a warning; the
// run and what depends on the video go on. Nothing preheats again on the next
// apply (the first trap of the docs) until the video is replaced.
func TestAccRecipe_actionOnFailureContinue(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.16.0", emu.recipe(t, "action-on-failure-continue"))
	out, err := w.run(applyArgs(onFailureVars(recipeGoodURL, recipeFailedURL)...)...)
	if err != nil {
		t.Fatalf("a failed preheat must not fail the run with on_failure = continue: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Warning:", recipeFailedURL,
		"Apply complete! Resources: 2 added, 0 changed, 0 destroyed. Actions: 1 invoked, 1 failed.")
	if strings.Contains(out, "Error:") {
		t.Fatalf("on_failure = continue printed an error:\n%s", out)
	}
	if _, created := w.stateResources(t)["terraform_data.announcement"]; !created {
		t.Fatal("the resource after the video was not created")
	}
	// The trap: the video exists, so nothing triggers the action again.
	out, err = w.run(applyArgs(onFailureVars(recipeGoodURL)...)...)
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	requireInOrder(t, out, "No changes.")
	if n := emu.countRequests(http.MethodPost); n != 1 {
		t.Fatalf("%d create requests after the second apply, want 1: nothing triggers a preheat again", n)
	}
	// The way out the recipe names: replace the trigger.
	out, err = w.run(applyArgs(append(onFailureVars(recipeGoodURL), "-replace=terraform_data.video")...)...)
	if err != nil {
		t.Fatalf("terraform apply -replace: %v\n%s", err, out)
	}
	requireInOrder(t, out, "Action action.vod_preheat.release (triggered by terraform_data.video): 1/1 succeeded, 0 failed, 0 processing",
		"Actions: 1 invoked.")
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2: -replace must preheat again", n)
	}
}

// Recipe 7: on_failure = taint fails the run and taints the video, so the
// next apply replaces it and preheats again.
func TestAccRecipe_actionOnFailureTaint(t *testing.T) {
	emu := newTestEmulator(t, -1)
	w := newCLIWorkdir(t, "1.16.0", emu.recipe(t, "action-on-failure-taint"))
	out, err := w.run(applyArgs(onFailureVars(recipeGoodURL, recipeFailedURL)...)...)
	if err == nil {
		t.Fatalf("a failed preheat must fail the run with on_failure = taint:\n%s", out)
	}
	requireInOrder(t, out, "Error:", recipeFailedURL)
	if tainted, ok := w.stateResources(t)["terraform_data.video"]; !ok || !tainted {
		t.Fatalf("terraform_data.video is not tainted after its preheat failed (in state: %v)", ok)
	}
	out, err = w.run(applyArgs(onFailureVars(recipeGoodURL)...)...)
	if err != nil {
		t.Fatalf("the apply after the taint: %v\n%s", err, out)
	}
	requireInOrder(t, out, "terraform_data.video is tainted, so must be replaced",
		"Action action.vod_preheat.release (triggered by terraform_data.video): 1/1 succeeded, 0 failed, 0 processing",
		"Actions: 1 invoked.")
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Fatalf("%d create requests, want 2: the replaced video must preheat again", n)
	}
}
