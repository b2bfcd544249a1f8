package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tofuPath runs tofu-path.sh with only bash and the tools it needs on PATH
// (plus bin), a fresh HOME and cache, and env added. A "go" stands in for
// the Go toolchain: "go mod download" names an empty source folder and
// "go build" fails, so any attempt to build shows as an error.
func tofuPath(t *testing.T, bin, cache string, env ...string) (stdout, stderr string, err error) {
	t.Helper()
	for _, tool := range []string{"bash", "env", "sed", "sort", "head", "dirname", "mv", "mkdir", "chmod", "mktemp", "rm"} {
		real, lookErr := exec.LookPath(tool)
		must(t, lookErr)
		if _, statErr := os.Lstat(filepath.Join(bin, tool)); os.IsNotExist(statErr) {
			must(t, os.Symlink(real, filepath.Join(bin, tool)))
		}
	}
	fakeGo := "#!/bin/sh\nif [ \"$1\" = mod ]; then printf '{\\n\\t\"Dir\": \"%s\",\\n}\\n' " + t.TempDir() + "; exit 0; fi\n" +
		"echo \"go $*: not in this test\" >&2\nexit 1\n"
	must(t, os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755))
	cmd := exec.Command("bash", "tofu-path.sh")
	cmd.Env = append([]string{"PATH=" + bin, "HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + cache}, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// fakeTofu answers "version -json" as tofu does (its key is terraform_version).
func fakeTofu(t *testing.T, path, version string) string {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte("#!/bin/sh\nprintf '{\"terraform_version\": \""+version+"\"}\\n'\n"), 0o755))
	return path
}

func TestTofuPathTakesTofuThenANewEnoughOneOnPathThenTheCache(t *testing.T) {
	bin, cache := t.TempDir(), t.TempDir()
	mine := fakeTofu(t, filepath.Join(t.TempDir(), "tofu"), "1.9.0")
	if out, stderr, err := tofuPath(t, bin, cache, "TOFU="+mine); err != nil || out != mine+"\n" {
		t.Fatalf("TOFU=%s: %v %q %s", mine, err, out, stderr)
	}
	onPath := fakeTofu(t, filepath.Join(bin, "tofu"), "1.10.3")
	if out, stderr, err := tofuPath(t, bin, cache); err != nil || out != onPath+"\n" || !strings.Contains(stderr, "on PATH") {
		t.Fatalf("tofu 1.10.3 on PATH: %v %q %s", err, out, stderr)
	}
	// Older than 1.10 on PATH: the cached build of the default release.
	fakeTofu(t, onPath, "1.9.1")
	script, err := os.ReadFile("tofu-path.sh")
	must(t, err)
	version := strings.TrimPrefix(strings.Fields(string(script[strings.Index(string(script), "default_version="):]))[0], "default_version=")
	cached := fakeTofu(t, filepath.Join(cache, "terraform-provider-vod", "tofu-v"+version, "tofu"), version)
	if out, stderr, err := tofuPath(t, bin, cache); err != nil || out != cached+"\n" || !strings.Contains(stderr, "cached build") {
		t.Fatalf("tofu 1.9.1 on PATH and a cached build: %v %q %s", err, out, stderr)
	}
	// Nothing cached: it builds, and says so when the build fails.
	must(t, os.RemoveAll(filepath.Join(cache, "terraform-provider-vod")))
	out, stderr, err := tofuPath(t, bin, cache)
	if err == nil || out != "" || !strings.Contains(stderr, "Building OpenTofu CLI v"+version) || !strings.Contains(stderr, "go build") {
		t.Fatalf("no cached build: %v %q %s", err, out, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(cache, "terraform-provider-vod")); len(entries) != 0 {
		t.Fatalf("a failed build left %v in the cache", entries)
	}
}

func TestTofuPathRejectsATofuThatIsNotAnExecutable(t *testing.T) {
	_, stderr, err := tofuPath(t, t.TempDir(), t.TempDir(), "TOFU=/nonexistent/tofu")
	if err == nil || !strings.Contains(stderr, "TOFU=/nonexistent/tofu is not an executable file") {
		t.Fatalf("%v %s", err, stderr)
	}
}
