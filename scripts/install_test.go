package scripts

// make install and make mirror, checked the way a user meets them: an empty
// HOME, a folder with only source = "vodprovider/vod", then init and apply
// against the emulator with no CLI config (install) or with the installation guide's
// filesystem_mirror block (mirror). The provider is the binary the make
// target built, not one served by the test.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

const (
	installAccessKey = "AKINSTALLTEST"
	installSecretKey = "SKINSTALLTEST"
	installProjectID = "0123456789abcdef0123456789abcdef"
)

// changelogVersion is the version make install takes by default.
func changelogVersion(t *testing.T) string {
	t.Helper()
	body, err := os.ReadFile("../CHANGELOG.md")
	must(t, err)
	m := regexp.MustCompile(`(?m)^## ([0-9]+\.[0-9]+\.[0-9]+)`).FindSubmatch(body)
	if m == nil {
		t.Fatal("CHANGELOG.md has no version heading")
	}
	return string(m[1])
}

// userEnv is the environment of a user with an empty HOME and no Terraform
// settings: nothing of the test run's CLI config, plugin cache or reattached
// providers. Go keeps its caches, so make builds no more than it must.
func userEnv(t *testing.T, home string, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HOME" || strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "XDG_") ||
			strings.HasPrefix(name, "HW_") || strings.HasPrefix(name, "HUAWEICLOUD_") {
			continue
		}
		env = append(env, kv)
	}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"} {
		out, err := exec.Command("go", "env", name).Output()
		must(t, err)
		env = append(env, name+"="+strings.TrimSpace(string(out)))
	}
	env = append(env, "HOME="+home, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return append(env, extra...)
}

// runIn runs a command in dir with env and returns its combined output.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cliFromEnv is the CLI named by variable, or a skip saying how to set it.
func cliFromEnv(t *testing.T, variable, how string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv(variable) == "" {
		t.Skipf("set TF_ACC=1 and %s (%s) to run this test", variable, how)
	}
	return os.Getenv(variable)
}

// startEmulator serves the VOD emulator on loopback for the provider binary.
func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	emu := emulator.New(emulator.Config{AccessKey: installAccessKey, SecretKey: installSecretKey,
		ProjectID: installProjectID, ProcessingTime: -1})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	t.Setenv("INSTALL_TEST_ENDPOINT", srv.URL) // read back by userConfig
	return emu
}

// userConfig is what a user writes: required_providers with the source only
// (and a version constraint when given), the provider block for the emulator
// and one preheat.
func userConfig(t *testing.T, constraint string) string {
	t.Helper()
	version := ""
	if constraint != "" {
		version = fmt.Sprintf(", version = %q", constraint)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    vod = { source = "vodprovider/vod"%s }
  }
}

provider "vod" {
  endpoint   = %q
  project_id = %q
  access_key = %q
  secret_key = %q
}

resource "vod_preheating_task" "release" {
  urls = ["https://cdn.example.com/videos/launch/index.m3u8"]
}

output "succeed" {
  value = vod_preheating_task.release.succeed
}
`, version, os.Getenv("INSTALL_TEST_ENDPOINT"), installProjectID, installAccessKey, installSecretKey)
}

// initAndApply runs init and apply in a new folder holding config and
// returns the lock file's entry for the provider at host.
func initAndApply(t *testing.T, cli string, env []string, config, host string, emu *emulator.Server) lockEntry {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600))
	out, err := runIn(t, dir, env, cli, "init", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("%s init: %v\n%s", filepath.Base(cli), err, out)
	}
	lock := readLock(t, filepath.Join(dir, ".terraform.lock.hcl"), host+"/vodprovider/vod")
	out, err = runIn(t, dir, env, cli, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("%s apply: %v\n%s", filepath.Base(cli), err, out)
	}
	if !strings.Contains(out, "Apply complete! Resources: 1 added") || strings.Contains(out, "Provider development overrides") {
		t.Fatalf("%s apply did not create the preheat through the installed provider:\n%s", filepath.Base(cli), out)
	}
	posts := 0
	for _, r := range emu.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts == 0 {
		t.Fatalf("the emulator saw no create request; the apply did not reach it:\n%s", out)
	}
	return lock
}

// lockEntry is a provider's entry in .terraform.lock.hcl.
type lockEntry struct{ version, hashes string }

func readLock(t *testing.T, path, provider string) lockEntry {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("init wrote no lock file: %v", err)
	}
	m := regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(provider) + `" \{\s*version\s*=\s*"([^"]+)".*?hashes = \[(.*?)\]`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("the lock file has no entry for %s:\n%s", provider, body)
	}
	return lockEntry{version: string(m[1]), hashes: string(m[2])}
}

// makeInstall runs make install with HOME=home and returns the folder
// it installed the binary to for host.
func makeInstall(t *testing.T, home, host string) string {
	t.Helper()
	out, err := runIn(t, "..", userEnv(t, home), "make", "install")
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	version := changelogVersion(t)
	dir := filepath.Join(home, ".terraform.d", "plugins", host, "vodprovider", "vod", version, runtime.GOOS+"_"+runtime.GOARCH)
	binary := filepath.Join(dir, "terraform-provider-vod_v"+version)
	got, err := exec.Command(binary, "-version").Output()
	if err != nil || strings.TrimSpace(string(got)) != "terraform-provider-vod "+version {
		t.Fatalf("%s -version: %v %q; want terraform-provider-vod %s\nmake install said:\n%s", binary, err, got, version, out)
	}
	return dir
}

// checkInstall is the whole round for one CLI: make install into an empty
// HOME, init and apply with and without a version constraint, the lock
// file's hash being the installed package's, then make uninstall.
func checkInstall(t *testing.T, cli, host string) {
	home := t.TempDir()
	dir := makeInstall(t, home, host)
	emu := startEmulator(t)
	env := userEnv(t, home)
	version := changelogVersion(t)
	for _, constraint := range []string{"", "~> " + version[:strings.LastIndex(version, ".")]} {
		lock := initAndApply(t, cli, env, userConfig(t, constraint), host, emu)
		want := h1OfFolder(t, dir)
		if lock.version != version || !strings.Contains(lock.hashes, want) {
			t.Fatalf("constraint %q: lock file has version %s hashes [%s]; want %s with %s", constraint, lock.version, lock.hashes, version, want)
		}
	}
	if out, err := runIn(t, "..", userEnv(t, home), "make", "uninstall"); err != nil {
		t.Fatalf("make uninstall: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, ".terraform.d", "plugins", host)); !os.IsNotExist(err) {
		t.Fatalf("make uninstall left %s/.terraform.d/plugins/%s (%v)", home, host, err)
	}
}

func TestAccInstall_terraform(t *testing.T) {
	cli := cliFromEnv(t, "TF_ACC_TERRAFORM_PATH", "make test sets it")
	checkInstall(t, cli, "registry.terraform.io")
}

func TestAccInstall_openTofu(t *testing.T) {
	cli := cliFromEnv(t, "TF_ACC_TOFU_PATH", "make testacc-opentofu sets it from scripts/tofu-path.sh")
	checkInstall(t, cli, "registry.opentofu.org")
}

// make mirror DIR=... for this machine's platform, consumed by terraform init
// through the installation guide's provider_installation block.
func TestAccMirror_terraform(t *testing.T) {
	cli := cliFromEnv(t, "TF_ACC_TERRAFORM_PATH", "make test sets it")
	home, mirror := t.TempDir(), t.TempDir()
	platform := runtime.GOOS + "_" + runtime.GOARCH
	out, err := runIn(t, "..", userEnv(t, home), "make", "mirror", "DIR="+mirror, "PLATFORMS="+platform)
	if err != nil {
		t.Fatalf("make mirror: %v\n%s", err, out)
	}
	version := changelogVersion(t)
	folder := filepath.Join(mirror, "registry.terraform.io", "vodprovider", "vod")
	index := readJSON[struct {
		Versions map[string]struct{} `json:"versions"`
	}](t, filepath.Join(folder, "index.json"))
	if _, ok := index.Versions[version]; !ok || len(index.Versions) != 1 {
		t.Fatalf("index.json lists %v; want only %s", index.Versions, version)
	}
	archives := readJSON[struct {
		Archives map[string]struct {
			URL    string   `json:"url"`
			Hashes []string `json:"hashes"`
		} `json:"archives"`
	}](t, filepath.Join(folder, version+".json")).Archives
	entry, ok := archives[platform]
	zipName := fmt.Sprintf("terraform-provider-vod_%s_%s.zip", version, platform)
	if !ok || len(archives) != 1 || entry.URL != zipName || len(entry.Hashes) != 2 ||
		!strings.HasPrefix(entry.Hashes[0], "h1:") || !strings.HasPrefix(entry.Hashes[1], "zh:") {
		t.Fatalf("%s.json = %+v; want %s with an h1: and a zh: hash", version, archives, zipName)
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.opentofu.org", "vodprovider", "vod", zipName)); err != nil {
		t.Fatalf("no copy for OpenTofu: %v", err)
	}

	cliConfig := filepath.Join(home, "mirror.tfrc")
	must(t, os.WriteFile(cliConfig, []byte(mirrorCLIConfig(mirror)), 0o600))
	emu := startEmulator(t)
	lock := initAndApply(t, cli, userEnv(t, home, "TF_CLI_CONFIG_FILE="+cliConfig), userConfig(t, ""), "registry.terraform.io", emu)
	// Terraform hashes the zip it installed from; it must be the one the index names.
	if lock.version != version || !strings.Contains(lock.hashes, `"`+entry.Hashes[0]+`"`) {
		t.Fatalf("lock file has version %s hashes [%s]; want %s with the index's %s", lock.version, lock.hashes, version, entry.Hashes[0])
	}
}

// mirrorCLIConfig is the installation guide's provider_installation block for a mirror.
func mirrorCLIConfig(dir string) string {
	return fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/vodprovider/vod"]
  }
  direct {
    exclude = ["registry.terraform.io/vodprovider/vod"]
  }
}
`, dir)
}

func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	var v T
	body, err := os.ReadFile(path)
	must(t, err)
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return v
}

// h1OfFolder is Terraform's "h1:" hash of an unpacked provider package (Go's
// dirhash Hash1), which init records in the lock file for a local mirror.
func h1OfFolder(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	must(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(body), filepath.ToSlash(rel)))
		return err
	}))
	// Sorted by file name, which follows the 64 hex digits and two spaces.
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	sum := sha256.Sum256([]byte(strings.Join(lines, "")))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}
