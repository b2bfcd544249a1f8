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
// build-terraform.sh only records that it was asked to build, with a PATH
// holding just the tools the script needs and, optionally, a fake terraform.
type sandbox struct {
	t                     *testing.T
	root, bin, cache, log string
	defaultVersion        string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	// Resolved, as the script's pwd is (macOS's temporary folder is behind a symlink).
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	s := &sandbox{t: t, root: filepath.Join(tmp, "repo"), bin: filepath.Join(tmp, "bin"),
		cache: filepath.Join(tmp, "cache"), log: filepath.Join(tmp, "builds.log")}
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
	// Only these tools, so a terraform installed on the machine cannot interfere.
	for _, tool := range []string{"bash", "env", "sed", "sort", "head", "dirname", "mv", "mkdir", "chmod", "mktemp", "rm", "sleep"} {
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

func (s *sandbox) builds() []string {
	data, err := os.ReadFile(s.log)
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
	oneLine(t, reason, "Terraform CLI: "+tf+" (v1.14.2, on PATH, at least 1.14.0)")
	if b := s.builds(); b != nil {
		t.Errorf("built %v", b)
	}
}

func TestTerraformPathSkipsAnOlderTerraformOnPathForTheCachedBuild(t *testing.T) {
	for _, tc := range []struct{ name, onPath, minimum, shown string }{
		// 1.9 sorts after 1.14 as text: the comparison must be by version.
		{"older minor", "1.9.8", "", "v1.9.8 < 1.14.0"},
		{"below a raised minimum", "1.14.2", "TERRAFORM_MIN_VERSION=1.15.0", "v1.14.2 < 1.15.0"},
		{"broken", "", "", "vunknown < 1.14.0"},
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
			oneLine(t, reason, fmt.Sprintf("(v%s, cached build, not %s (%s))", s.defaultVersion, onPath, tc.shown))
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
	oneLine(t, reason, old+" (v1.5.7, cached build)")
}

func TestTerraformPathBuildsOnceWhenNothingElseFits(t *testing.T) {
	s := newSandbox(t)
	want := s.cached(s.defaultVersion)

	path, reason := s.choose()
	if path != want {
		t.Errorf("chose %s, want the fresh build %s", path, want)
	}
	if !strings.Contains(reason, "Building Terraform CLI v"+s.defaultVersion) || !strings.Contains(reason, "(v"+s.defaultVersion+", just built)") {
		t.Errorf("stderr should announce the build and the result, got %q", reason)
	}
	// The build went to a folder of its own in the cache, removed after.
	got := s.builds()
	if len(got) != 2 || got[0] != s.defaultVersion || filepath.Dir(got[1]) != filepath.Dir(filepath.Dir(want)) ||
		!strings.HasPrefix(filepath.Base(got[1]), ".terraform-v"+s.defaultVersion+".") {
		t.Errorf("builds = %v, want %s into a fresh folder beside %s", got, s.defaultVersion, filepath.Dir(want))
	} else if _, err := os.Stat(got[1]); !os.IsNotExist(err) {
		t.Errorf("the build folder %s is left behind: %v", got[1], err)
	}

	path, reason = s.choose()
	if path != want || len(s.builds()) != 2 {
		t.Errorf("second run chose %s and built %v; want the cached build, no new build", path, s.builds())
	}
	oneLine(t, reason, "(v"+s.defaultVersion+", cached build)")
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
