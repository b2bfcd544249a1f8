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

// make docs reads the action's schema, which a Terraform older than 1.14 does
// not have (tfplugindocs then fails on the action's page): the recipes ask
// terraform-path.sh for 1.14 or newer, while make test takes any from 1.5.
func TestMakefileDocsAskForATerraformWithActions(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on PATH")
	}
	root, bin := t.TempDir(), t.TempDir()
	makefile, err := os.ReadFile("../GNUmakefile")
	must(t, err)
	must(t, os.WriteFile(filepath.Join(root, "GNUmakefile"), makefile, 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "scripts"), 0o755))
	asked := filepath.Join(root, "asked.log")
	must(t, os.WriteFile(filepath.Join(root, "scripts", "terraform-path.sh"),
		[]byte("#!/bin/sh\necho \"${TERRAFORM_MIN_VERSION:-default}\" >>"+asked+"\necho "+filepath.Join(bin, "terraform")+"\n"), 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "go"), []byte("#!/bin/sh\nexit 0\n"), 0o755))
	for _, target := range []string{"docs", "docs-validate"} {
		must(t, os.RemoveAll(asked))
		cmd := exec.Command("make", "--no-print-directory", target)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %s: %v\n%s", target, err, out)
		}
		got, err := os.ReadFile(asked)
		must(t, err)
		if strings.TrimSpace(string(got)) != "1.14.0" {
			t.Errorf("make %s asked terraform-path.sh for %q, want at least 1.14.0", target, strings.TrimSpace(string(got)))
		}
	}
}
