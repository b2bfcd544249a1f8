// Package scripts holds tests of the shell scripts beside it; they run with
// go test ./..., so make test, make testunit and CI cover them.
package scripts

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sandbox is a copy of terraform-path.sh in a temporary repository whose
// fetch-terraform.sh and build-terraform.sh only record that they were asked
// (the fetch fails, as where releases.hashicorp.com cannot be reached, unless
// FETCH_OK is set), with a PATH holding just the tools the script needs and,
// optionally, a fake terraform.
type sandbox struct {
	t                     *testing.T
	root, bin, cache, log string
	fetchLog              string
	defaultVersion        string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	// Resolved, as the script's pwd is (macOS's temporary folder is behind a symlink).
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	s := &sandbox{t: t, root: filepath.Join(tmp, "repo"), bin: filepath.Join(tmp, "bin"),
		cache: filepath.Join(tmp, "cache"), log: filepath.Join(tmp, "builds.log"),
		fetchLog: filepath.Join(tmp, "fetches.log")}
	for _, dir := range []string{filepath.Join(s.root, "scripts"), s.bin, s.cache} {
		must(t, os.MkdirAll(dir, 0o755))
	}
	script, err := os.ReadFile("terraform-path.sh")
	must(t, err)
	m := regexp.MustCompile(`(?m)^default_version=(\S+)$`).FindSubmatch(script)
	if m == nil {
		t.Fatal("terraform-path.sh: no default_version= line")
	}
	s.defaultVersion = string(m[1])
	must(t, os.WriteFile(filepath.Join(s.root, "scripts", "terraform-path.sh"), script, 0o755))
	lib, err := os.ReadFile("cli-path-lib.sh")
	must(t, err)
	must(t, os.WriteFile(filepath.Join(s.root, "scripts", "cli-path-lib.sh"), lib, 0o644))
	// The fake builder leaves a fake terraform of the requested version.
	// With BARRIER set, it writes half its binary, then waits until
	// BARRIER_COUNT builds have started, so that concurrent builds overlap.
	must(t, os.WriteFile(filepath.Join(s.root, "scripts", "build-terraform.sh"), []byte(fmt.Sprintf(`#!/usr/bin/env bash
set -eu
echo "$1 $2" >>%q
if [ -n "${BUILD_FAIL:-}" ]; then echo "compiler exploded" >&2; exit 1; fi
mkdir -p "$2"
printf '#!/bin/sh\n' >"$2/terraform"
if [ -n "${BARRIER:-}" ]; then
  : >"$BARRIER/$$"
  set -- "$1" "$2" "$BARRIER"/*
  while [ $# -lt $((2 + BARRIER_COUNT)) ]; do sleep 0.01; set -- "$1" "$2" "$BARRIER"/*; done
  set -- "$1" "$2"
fi
printf 'printf "{\\"terraform_version\\": \\"%%s\\"}\\n" %%s\n' "$1" "$1" >>"$2/terraform"
chmod +x "$2/terraform"
`, s.log)), 0o755))
	// The fake fetch fails with the one line a DNS failure gives, or, with
	// FETCH_OK set, leaves a fake terraform like the builder's.
	must(t, os.WriteFile(filepath.Join(s.root, "scripts", "fetch-terraform.sh"), []byte(fmt.Sprintf(`#!/usr/bin/env bash
set -eu
echo "$1 $2" >>%q
echo "go: downloading github.com/hashicorp/hc-install v0.9.4"
if [ -z "${FETCH_OK:-}" ]; then
  echo "terraform-release: https://releases.hashicorp.com not reachable within 5s: no such host" >&2
  exit 1
fi
mkdir -p "$2"
printf 'printf "{\"terraform_version\": \"%%s\"}\n" %%s
' "$1" "$1" >"$2/terraform"
chmod +x "$2/terraform"
`, s.fetchLog)), 0o755))
	// Only these tools, so a terraform installed on the machine cannot interfere.
	for _, tool := range []string{"bash", "env", "sed", "sort", "head", "dirname", "mv", "mkdir", "chmod", "mktemp", "rm", "sleep", "tail"} {
		real, err := exec.LookPath(tool)
		must(t, err)
		must(t, os.Symlink(real, filepath.Join(s.bin, tool)))
	}
	return s
}

// fakeTerraform writes an executable that answers "version -json" like
// Terraform does, and, like Terraform with a missing TF_CLI_CONFIG_FILE,
// warns on stderr. An empty version makes a terraform that fails.
func (s *sandbox) fakeTerraform(path, version string) string {
	s.t.Helper()
	must(s.t, os.MkdirAll(filepath.Dir(path), 0o755))
	body := "#!/bin/sh\necho 'Warning: Unable to open CLI configuration file' >&2\n"
	if version == "" {
		body += "exit 1\n"
	} else {
		body += fmt.Sprintf("printf '{\\n  \"terraform_version\": \"%s\",\\n  \"platform\": \"linux_amd64\"\\n}\\n'\n", version)
	}
	must(s.t, os.WriteFile(path, []byte(body), 0o755))
	return path
}

func (s *sandbox) cached(version string) string {
	return filepath.Join(s.cache, "terraform-provider-vod", "terraform-v"+version, "terraform")
}

// run executes the script from dir with env added, and returns its stdout
// (which must be one line) and stderr.
func (s *sandbox) run(dir string, env ...string) (string, string, error) {
	s.t.Helper()
	cmd := exec.Command(filepath.Join(s.root, "scripts", "terraform-path.sh"))
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + s.bin, "HOME=" + s.t.TempDir(), "XDG_CACHE_HOME=" + s.cache,
		"TF_CLI_CONFIG_FILE=/nonexistent/.terraformrc"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func (s *sandbox) choose(env ...string) (path, reason string) {
	s.t.Helper()
	stdout, stderr, err := s.run(s.root, env...)
	if err != nil {
		s.t.Fatalf("terraform-path.sh: %v\nstderr: %s", err, stderr)
	}
	if strings.Count(stdout, "\n") != 1 || !strings.HasSuffix(stdout, "\n") {
		s.t.Fatalf("stdout must be exactly the path on one line, got %q", stdout)
	}
	return strings.TrimSuffix(stdout, "\n"), stderr
}

func (s *sandbox) builds() []string { return s.logged(s.log) }

func (s *sandbox) fetches() []string { return s.logged(s.fetchLog) }

func (s *sandbox) logged(path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	must(s.t, err)
	return strings.Fields(strings.ReplaceAll(string(data), "\n", " "))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("stderr should be one line containing %q, got %q", want, stderr)
	}
}

func TestTerraformPathTakesANewEnoughTerraformOnPath(t *testing.T) {
	s := newSandbox(t)
	tf := s.fakeTerraform(filepath.Join(s.bin, "terraform"), "1.14.2")
	s.fakeTerraform(s.cached(s.defaultVersion), s.defaultVersion)

	path, reason := s.choose()
	if path != tf {
		t.Errorf("chose %s, want the terraform on PATH %s", path, tf)
	}
	oneLine(t, reason, "Terraform CLI: "+tf+" (v1.14.2, on PATH, at least 1.5.0)")
	if b := s.builds(); b != nil {
		t.Errorf("built %v", b)
	}
}

// A Terraform older than the newest (1.11, say, where actions and identity
// are missing) is used as it is: the tests and the demo skip those parts,
// rather than every first run waiting for a new CLI.
func TestTerraformPathTakesAnOlderSupportedTerraformOnPath(t *testing.T) {
	for _, tc := range []struct{ name, onPath, minimum, shown string }{
		{"1.11", "1.11.4", "", "at least 1.5.0"},
		{"the oldest supported", "1.5.0", "", "at least 1.5.0"},
		// 1.10 sorts before 1.9 as text: the comparison must be by version.
		{"two-digit minor", "1.10.0", "TERRAFORM_MIN_VERSION=1.9.0", "at least 1.9.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandbox(t)
			tf := s.fakeTerraform(filepath.Join(s.bin, "terraform"), tc.onPath)
			var env []string
			if tc.minimum != "" {
				env = append(env, tc.minimum)
			}
			path, reason := s.choose(env...)
			if path != tf {
				t.Errorf("chose %s, want the terraform on PATH %s", path, tf)
			}
			oneLine(t, reason, fmt.Sprintf("%s (v%s, on PATH, %s)", tf, tc.onPath, tc.shown))
			if s.builds() != nil || s.fetches() != nil {
				t.Errorf("installed a CLI: fetches %v, builds %v", s.fetches(), s.builds())
			}
		})
	}
}

func TestTerraformPathSkipsAnOlderTerraformOnPathForTheCachedBuild(t *testing.T) {
	for _, tc := range []struct{ name, onPath, minimum, shown string }{
		{"unsupported", "1.4.7", "", "v1.4.7 < 1.5.0"},
		// 1.9 sorts after 1.14 as text: the comparison must be by version.
		{"older minor", "1.9.8", "TERRAFORM_MIN_VERSION=1.14.0", "v1.9.8 < 1.14.0"},
		{"broken", "", "", "vunknown < 1.5.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandbox(t)
			onPath := s.fakeTerraform(filepath.Join(s.bin, "terraform"), tc.onPath)
			cached := s.fakeTerraform(s.cached(s.defaultVersion), s.defaultVersion)
			var env []string
			if tc.minimum != "" {
				env = append(env, tc.minimum)
			}

			path, reason := s.choose(env...)
			if path != cached {
				t.Errorf("chose %s, want the cached build %s", path, cached)
			}
			oneLine(t, reason, fmt.Sprintf("(v%s, cached, not %s (%s))", s.defaultVersion, onPath, tc.shown))
		})
	}
}

func TestTerraformPathPrefersTerraformOverEverythingElse(t *testing.T) {
	s := newSandbox(t)
	s.fakeTerraform(filepath.Join(s.bin, "terraform"), "1.16.0")
	s.fakeTerraform(s.cached(s.defaultVersion), s.defaultVersion)
	mine := s.fakeTerraform(filepath.Join(s.root, "tools", "terraform"), "1.5.7")

	path, reason := s.choose("TERRAFORM=" + mine)
	if path != mine {
		t.Errorf("chose %s, want TERRAFORM's %s", path, mine)
	}
	oneLine(t, reason, mine+" (v1.5.7, from TERRAFORM)")

	// A relative TERRAFORM is taken from where the command started, and printed absolute.
	stdout, stderr, err := s.run(filepath.Join(s.root, "tools"), "TERRAFORM=./terraform")
	if err != nil || stdout != filepath.Join(s.root, "tools", "terraform")+"\n" {
		t.Errorf("TERRAFORM=./terraform from tools/: stdout %q, err %v, stderr %q", stdout, err, stderr)
	}
}

func TestTerraformPathRejectsATerraformThatIsNotAnExecutable(t *testing.T) {
	s := newSandbox(t)
	s.fakeTerraform(s.cached(s.defaultVersion), s.defaultVersion)
	for _, value := range []string{filepath.Join(s.root, "missing"), s.root} {
		stdout, stderr, err := s.run(s.root, "TERRAFORM="+value)
		if err == nil || stdout != "" || !strings.Contains(stderr, "TERRAFORM="+value+" is not an executable file") {
			t.Errorf("TERRAFORM=%s: err %v, stdout %q, stderr %q; want a failure naming it", value, err, stdout, stderr)
		}
	}
}

func TestTerraformPathTerraformVersionPinsTheCachedRelease(t *testing.T) {
	s := newSandbox(t)
	s.fakeTerraform(filepath.Join(s.bin, "terraform"), "1.16.0")
	old := s.fakeTerraform(s.cached("1.5.7"), "1.5.7")

	path, reason := s.choose("TERRAFORM_VERSION=1.5.7")
	if path != old {
		t.Errorf("chose %s, want the cached 1.5.7 %s", path, old)
	}
	oneLine(t, reason, old+" (v1.5.7, cached)")
}

func TestTerraformPathBuildsOnceWhenTheReleasesSiteIsUnreachable(t *testing.T) {
	s := newSandbox(t)
	want := s.cached(s.defaultVersion)

	path, reason := s.choose()
	if path != want {
		t.Errorf("chose %s, want the fresh build %s", path, want)
	}
	for _, line := range []string{
		"Installing Terraform CLI v" + s.defaultVersion + " into " + filepath.Dir(want) + "; log: ",
		"releases.hashicorp.com: terraform-release: https://releases.hashicorp.com not reachable within 5s: no such host; building v" + s.defaultVersion + " from the Go module proxy instead",
		"(v" + s.defaultVersion + ", just installed: built from source)",
	} {
		if !strings.Contains(reason, line) {
			t.Errorf("stderr lacks %q:\n%s", line, reason)
		}
	}
	// What go prints while downloading goes to the log, not the screen.
	if strings.Contains(reason, "go: downloading") {
		t.Errorf("stderr shows the module downloads:\n%s", reason)
	}
	logged, err := os.ReadFile(filepath.Join(filepath.Dir(want), "install.log"))
	if err != nil || !strings.Contains(string(logged), "go: downloading") {
		t.Errorf("install.log beside the CLI lacks the downloads: %q, %v", logged, err)
	}
	// The fetch was tried first, then the build went to the same folder of
	// its own in the cache, removed after.
	got, fetched := s.builds(), s.fetches()
	if len(got) != 2 || got[0] != s.defaultVersion || filepath.Dir(got[1]) != filepath.Dir(filepath.Dir(want)) ||
		!strings.HasPrefix(filepath.Base(got[1]), ".terraform-v"+s.defaultVersion+".") {
		t.Errorf("builds = %v, want %s into a fresh folder beside %s", got, s.defaultVersion, filepath.Dir(want))
	} else if _, err := os.Stat(got[1]); !os.IsNotExist(err) {
		t.Errorf("the build folder %s is left behind: %v", got[1], err)
	}
	if len(fetched) != 2 || len(got) == 2 && fetched[1] != got[1] {
		t.Errorf("fetches = %v, want one into the build's folder %v", fetched, got)
	}

	path, reason = s.choose()
	if path != want || len(s.builds()) != 2 || len(s.fetches()) != 2 {
		t.Errorf("second run chose %s, fetched %v and built %v; want the cached CLI, nothing new", path, s.fetches(), s.builds())
	}
	oneLine(t, reason, "(v"+s.defaultVersion+", cached)")
}

func TestTerraformPathTakesTheOfficialReleaseWhenItCan(t *testing.T) {
	s := newSandbox(t)
	s.fakeTerraform(filepath.Join(s.bin, "terraform"), "1.4.0")

	path, reason := s.choose("TERRAFORM_VERSION=1.16.3", "FETCH_OK=1")
	if want := s.cached("1.16.3"); path != want {
		t.Errorf("chose %s, want %s", path, want)
	}
	if !strings.Contains(reason, "(v1.16.3, just installed: official release from releases.hashicorp.com)") ||
		strings.Contains(reason, "building") {
		t.Errorf("stderr should say it took the official release and built nothing:\n%s", reason)
	}
	if b := s.builds(); b != nil {
		t.Errorf("built %v after a successful fetch", b)
	}
}

func TestTerraformPathShowsAFailedBuildAndKeepsItsLog(t *testing.T) {
	s := newSandbox(t)
	stdout, stderr, err := s.run(s.root, "BUILD_FAIL=1")
	if err == nil || stdout != "" {
		t.Fatalf("a failed build: err %v, stdout %q; want a failure and no path", err, stdout)
	}
	m := regexp.MustCompile(`the whole log: (\S+)`).FindStringSubmatch(stderr)
	if m == nil || !strings.Contains(stderr, "compiler exploded") {
		t.Fatalf("stderr should show the log's end and name the log:\n%s", stderr)
	}
	if logged, err := os.ReadFile(m[1]); err != nil || !strings.Contains(string(logged), "compiler exploded") {
		t.Errorf("the log %s was not kept: %q, %v", m[1], logged, err)
	}
	if _, err := os.Stat(s.cached(s.defaultVersion)); !os.IsNotExist(err) {
		t.Errorf("a failed build left a CLI in the cache: %v", err)
	}
}

// Two first builds at once (two test runs on a fresh machine) must not
// write into one folder or move it from under each other: both succeed and
// print the same, complete binary.
func TestTerraformPathConcurrentFirstBuilds(t *testing.T) {
	s := newSandbox(t)
	barrier := t.TempDir()
	const runs = 3
	type result struct {
		stdout, stderr string
		err            error
	}
	results := make(chan result, runs)
	for range runs {
		go func() {
			stdout, stderr, err := s.run(s.root, "BARRIER="+barrier, fmt.Sprintf("BARRIER_COUNT=%d", runs))
			results <- result{stdout, stderr, err}
		}()
	}
	want := s.cached(s.defaultVersion)
	for range runs {
		r := <-results
		if r.err != nil || r.stdout != want+"\n" {
			t.Errorf("a concurrent first build: err %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
		}
	}
	out, err := exec.Command(want, "version", "-json").Output()
	if err != nil || !strings.Contains(string(out), `"terraform_version": "`+s.defaultVersion+`"`) && !strings.Contains(string(out), `"terraform_version":"`+s.defaultVersion+`"`) {
		t.Fatalf("the cached terraform answers %q, %v", out, err)
	}
	if n := len(s.builds()); n != 2*runs {
		t.Errorf("builds = %v, want %d (one per run, none skipped)", s.builds(), runs)
	}
}
