package scripts

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestVersionShTakesChangelogsNewestHeadingOrVersion(t *testing.T) {
	run := func(env ...string) (string, error) {
		cmd := exec.Command("bash", "version.sh")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("VERSION="); err != nil || out != changelogVersion(t)+"\n" {
		t.Errorf("version.sh = %q, %v; want CHANGELOG.md's %s", out, err, changelogVersion(t))
	}
	if out, err := run("VERSION=0.2.0-rc.1"); err != nil || out != "0.2.0-rc.1\n" {
		t.Errorf("VERSION=0.2.0-rc.1: %q, %v", out, err)
	}
	if out, err := run("VERSION=1.2"); err == nil || !strings.Contains(out, `version "1.2" (from VERSION) is not a semantic version`) {
		t.Errorf("VERSION=1.2: %q, %v; want an error naming it", out, err)
	}
}
