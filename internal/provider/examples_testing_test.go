package provider

// examples/testing (and docs/guides/testing-offline.md) run as a user runs
// them: a real `terraform test` against the emulator, the provider's
// settings from the environment the emulator's -- mode and --env-file give.

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// examplesProviderAddress is the source the examples require.
const examplesProviderAddress = "registry.terraform.io/vodprovider/vod"

// terraformTestDir is a Terraform working folder for the CLI.
type terraformTestDir struct {
	t         *testing.T
	dir       string
	terraform string
	env       []string
}

func newTerraformTestDir(t *testing.T, minVersion, example, endpoint string) *terraformTestDir {
	t.Helper()
	return newTerraformDir(t, minVersion, os.DirFS(filepath.Join("..", "..", "examples", "testing", example)), endpoint)
}

// newTerraformDir is a folder with files, initialised, the provider served
// in-process under the examples' source and pointed at endpoint by the
// environment.
func newTerraformDir(t *testing.T, minVersion string, files fs.FS, endpoint string) *terraformTestDir {
	t.Helper()
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || terraform == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the Terraform CLI")
	}
	skipBelow(t, terraform, minVersion)
	// What vod-emulator -- and --env-file set (cmd/vod-emulator providerEnv);
	// the provider runs in this process, so it reads them here.
	for name, value := range map[string]string{"HW_VOD_ENDPOINT": endpoint, "HW_ACCESS_KEY": testAccessKey,
		"HW_SECRET_KEY": testSecretKey, "HW_PROJECT_ID": testProjectID} {
		t.Setenv(name, value)
	}
	d := &terraformTestDir{t: t, dir: t.TempDir(), terraform: terraform}
	if err := os.CopyFS(d.dir, files); err != nil {
		t.Fatal(err)
	}
	d.env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+serveProviderForCLI(t, examplesProviderAddress),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+os.DevNull, "TF_LOG=")
	if out, err := d.run("init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return d
}

func (d *terraformTestDir) run(args ...string) (string, error) {
	d.t.Helper()
	cmd := exec.Command(d.terraform, args...)
	cmd.Dir, cmd.Env = d.dir, d.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The emulator as the examples' comments start it: a task takes 2s, and
// Huawei's quotas apply with a five-second "minute".
func newExamplesEmulator(t *testing.T) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	quota := emulator.HuaweiQuota
	quota.Window = 5 * time.Second
	e := &testEmulator{Server: emulator.New(emulator.Config{AccessKey: testAccessKey, SecretKey: testSecretKey,
		ProjectID: testProjectID, ProcessingTime: 2 * time.Second, Quota: quota})}
	srv := httptest.NewServer(e.Server)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// tests/ passes: each run, the failed URL asserted through fail_on_failed =
// false, the release that needs more than a window of creates (which must
// really meet the quota), and the mock_provider file.
func TestAccExamplesTesting_passes(t *testing.T) {
	emu := newExamplesEmulator(t)
	d := newTerraformTestDir(t, "1.11.0", "", emu.URL)
	out, err := d.run("test", "-no-color")
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	requireInOrder(t, out,
		`run "gate_stays_closed_when_a_url_failed"... pass`, `run "gate_opens_when_every_url_succeeded"... pass`,
		`run "release_larger_than_a_window_of_creates"... pass`,
		`run "release_succeeds"... pass`, `run "failed_url_closes_the_gate"... pass`, `run "flaky_url_recovers_on_retry"... pass`,
		"Success! 6 passed, 0 failed.")
	if emu.Throttled() == 0 {
		t.Error("the quota run met no 429: it does not test throttling")
	}
	// 1 + 2 (a retry) + 2 (a retry) + 15 tasks created, and the mock sends
	// none; a create refused over the quota created nothing.
	created := 0
	for _, r := range emu.Requests() {
		if r.Method == http.MethodPost && r.Status == http.StatusAccepted {
			created++
		}
	}
	if created != 20 {
		t.Errorf("%d tasks created, want 20", created)
	}
}

// must-fail/ fails, with the provider's timeout error in the output.
func TestAccExamplesTesting_mustFail(t *testing.T) {
	emu := newExamplesEmulator(t)
	d := newTerraformTestDir(t, "1.11.0", "", emu.URL)
	out, err := d.run("test", "-no-color", "-test-directory=must-fail")
	if err == nil {
		t.Fatalf("terraform test -test-directory=must-fail passed; it must fail:\n%s", out)
	}
	requireInOrder(t, out, `run "release_slower_than_its_timeout"... fail`, "Failure! 0 passed, 1 failed.")
	requireInOrder(t, out, "Error: Timed out waiting for the preheat task", "The create timeout is 1s")
}

// action/ passes on Terraform 1.14 and newer, and the action really ran:
// once per run.
func TestAccExamplesTesting_action(t *testing.T) {
	emu := newExamplesEmulator(t)
	d := newTerraformTestDir(t, "1.14.0", "action", emu.URL)
	out, err := d.run("test", "-no-color")
	if err != nil {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	requireInOrder(t, out, `run "first_release_preheats"... pass`, `run "next_release_preheats_again"... pass`, "Success! 2 passed, 0 failed.")
	if n := emu.countRequests(http.MethodPost); n != 2 {
		t.Errorf("%d creates, want 2: one per run", n)
	}
	if strings.Contains(out, "Warning") {
		t.Errorf("warnings in the output:\n%s", out)
	}
}

// The testing guide uses only flags vod-emulator has (its text is all
// about the emulator's command line).
func TestTestingGuideUsesEmulatorFlagsThatExist(t *testing.T) {
	guide, err := os.ReadFile("../../templates/guides/testing-offline.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	emulatorSource, err := os.ReadFile("../../cmd/vod-emulator/main.go")
	if err != nil {
		t.Fatal(err)
	}
	flags := longFlag.FindAllStringSubmatch(string(guide), -1)
	if len(flags) < 10 {
		t.Fatalf("found only %d flags in the guide", len(flags))
	}
	for _, m := range flags {
		if m[1] != "help" && !strings.Contains(string(emulatorSource), `"`+m[1]+`"`) {
			t.Errorf("the guide uses --%s, which vod-emulator does not have", m[1])
		}
	}
}
