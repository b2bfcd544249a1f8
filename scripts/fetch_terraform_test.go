package scripts

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fetchSandbox is a copy of fetch-terraform.sh with a fake go, whose build
// leaves a terraform-release that records its arguments, and, unless curl is
// "", a fake curl that exits with that status.
func fetchSandbox(t *testing.T, curlStatus string) (root, bin, goLog string) {
	t.Helper()
	root, bin = t.TempDir(), t.TempDir()
	goLog = filepath.Join(t.TempDir(), "go.log")
	script, err := os.ReadFile("fetch-terraform.sh")
	must(t, err)
	must(t, os.MkdirAll(filepath.Join(root, "scripts"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "scripts", "fetch-terraform.sh"), script, 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "go"), []byte(fmt.Sprintf(`#!/bin/sh
echo "go $*" >>%q
printf '#!/bin/sh\necho "terraform-release $*" >>%s\n' >"$3"
chmod +x "$3"
`, goLog, goLog)), 0o755))
	if curlStatus != "" {
		must(t, os.WriteFile(filepath.Join(bin, "curl"), []byte(`#!/bin/sh
[ "`+curlStatus+`" = 0 ] && exit 0
echo "curl: (6) Could not resolve host: releases.hashicorp.com" >&2
exit `+curlStatus+"\n"), 0o755))
	}
	for _, tool := range []string{"bash", "mkdir", "dirname", "mktemp", "rm", "chmod"} {
		real, err := exec.LookPath(tool)
		must(t, err)
		must(t, os.Symlink(real, filepath.Join(bin, tool)))
	}
	return root, bin, goLog
}

func runFetch(t *testing.T, root, bin string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "scripts", "fetch-terraform.sh"), "1.16.3", filepath.Join(root, "out"))
	cmd.Env = []string{"PATH=" + bin}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Where releases.hashicorp.com cannot be reached, the script says so in one
// line before compiling anything (minutes on empty caches and a busy machine).
func TestFetchTerraformGivesUpBeforeCompilingWhenTheSiteIsUnreachable(t *testing.T) {
	root, bin, goLog := fetchSandbox(t, "6")
	out, err := runFetch(t, root, bin)
	want := "terraform-release: https://releases.hashicorp.com not reachable within 5s: curl: (6) Could not resolve host: releases.hashicorp.com\n"
	if err == nil || out != want {
		t.Errorf("err %v, output %q; want a failure and %q", err, out, want)
	}
	if _, statErr := os.Stat(goLog); !os.IsNotExist(statErr) {
		t.Errorf("go ran although the site was unreachable: %v", statErr)
	}
}

func TestFetchTerraformRunsTheInstallerWhenTheSiteAnswersOrCannotBeProbed(t *testing.T) {
	for name, curl := range map[string]string{"site answers": "0", "no curl": ""} {
		t.Run(name, func(t *testing.T) {
			root, bin, goLog := fetchSandbox(t, curl)
			if out, err := runFetch(t, root, bin); err != nil {
				t.Fatalf("fetch-terraform.sh: %v\n%s", err, out)
			}
			logged, err := os.ReadFile(goLog)
			must(t, err)
			lines := strings.Split(strings.TrimSpace(string(logged)), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "go build -o ") || !strings.HasSuffix(lines[0], " ./scripts/terraform-release") ||
				lines[1] != "terraform-release -version 1.16.3 -dir "+filepath.Join(root, "out") {
				t.Errorf("want terraform-release built, then run for 1.16.3 into out/; got:\n%s", logged)
			}
		})
	}
}
