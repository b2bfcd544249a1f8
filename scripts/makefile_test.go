package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The GNUmakefile's recipes that need the Terraform CLI stop when
// scripts/terraform-path.sh finds none, instead of going on with an empty
// path (which once became PATH=".:$PATH" and a tfplugindocs run without
// Terraform).
func TestMakefileStopsWhenNoTerraformCLIIsFound(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on PATH")
	}
	root, bin := t.TempDir(), t.TempDir()
	makefile, err := os.ReadFile("../GNUmakefile")
	must(t, err)
	must(t, os.WriteFile(filepath.Join(root, "GNUmakefile"), makefile, 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "scripts"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "scripts", "terraform-path.sh"),
		[]byte("#!/bin/sh\necho 'no Terraform CLI' >&2\nexit 1\n"), 0o755))
	// go, gofmt and terraform stand-ins record that they ran.
	ran := filepath.Join(root, "ran.log")
	for _, tool := range []string{"go", "gofmt", "terraform"} {
		must(t, os.WriteFile(filepath.Join(bin, tool), []byte("#!/bin/sh\necho \""+tool+" $*\" >>"+ran+"\n"), 0o755))
	}
	for _, target := range []string{"docs", "docs-validate", "fmt"} {
		must(t, os.RemoveAll(ran))
		cmd := exec.Command("make", "--no-print-directory", target)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("make %s succeeded without a Terraform CLI:\n%s", target, out)
		}
		log, _ := os.ReadFile(ran)
		for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
			if line != "" && !strings.HasPrefix(line, "gofmt ") { // make fmt formats Go first
				t.Errorf("make %s ran %q without a Terraform CLI", target, line)
			}
		}
		if !strings.Contains(string(out), "no Terraform CLI") {
			t.Errorf("make %s does not show terraform-path.sh's message:\n%s", target, out)
		}
	}
}
