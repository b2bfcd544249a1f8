package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunVersionPrintsTheVersionAndServesNothing(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-version"}, &stdout, &stderr); err != nil {
		t.Fatalf("run -version: %v (stderr %q)", err, stderr.String())
	}
	if got, want := stdout.String(), "terraform-provider-vod dev\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestRunRejectsAnUnknownFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-no-such-flag"}, &stdout, &stderr); err != errUsage {
		t.Fatalf("run -no-such-flag = %v, want errUsage", err)
	}
	if !strings.Contains(stderr.String(), "-version") {
		t.Errorf("usage on stderr does not list -version: %q", stderr.String())
	}
}

// The release sets the version the way .goreleaser.yml does; the binary must report it.
func TestBinaryReportsTheVersionSetByLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider")
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-vod")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s -version: %v\n%s", bin, err, out)
	}
	if got, want := string(out), "terraform-provider-vod 1.2.3-test\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}
