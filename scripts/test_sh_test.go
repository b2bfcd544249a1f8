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

// testRepo is a tiny Go module with scripts/test.sh and failed-tests.awk
// copied in and a terraform-path.sh that prints a fake path: one package
// passes, one has a failing test with long output and a failing subtest.
func testRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		path := filepath.Join(root, name)
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, []byte(content), mode))
	}
	for _, name := range []string{"test.sh", "failed-tests.awk"} {
		content, err := os.ReadFile(name)
		must(t, err)
		write("scripts/"+name, string(content), 0o755)
	}
	write("scripts/terraform-path.sh", "#!/bin/sh\necho /nonexistent/terraform\n", 0o755)
	write("go.mod", "module example.com/repo\n\ngo 1.22\n", 0o644)
	write("good/good_test.go", `package good

import "testing"

func TestAccGood(t *testing.T) { t.Log("good output") }
`, 0o644)
	var long strings.Builder
	for i := range 40 {
		fmt.Fprintf(&long, "\tt.Logf(\"bad line %%d\", %d)\n", i)
	}
	write("bad/bad_test.go", `package bad

import "testing"

func TestBad(t *testing.T) {
`+long.String()+`	t.Error("the failure itself")
}

func TestOther(t *testing.T) { t.Log("other output") }

func TestParent(t *testing.T) {
	t.Run("child", func(t *testing.T) { t.Log("child output"); t.Fail() })
}
`, 0o644)
	return root
}

func TestTestScriptShowsEachFailingTestWholeAndKeepsTheLog(t *testing.T) {
	root := testRepo(t)
	logPath := filepath.Join(t.TempDir(), "kept.log")
	cmd := exec.Command("bash", "scripts/test.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TEST_LOG="+logPath, "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("test.sh passed with a failing test:\n%s", stdout.String())
	}
	report := stderr.String()
	for i := range 40 {
		if !strings.Contains(report, fmt.Sprintf("bad line %d\n", i)) {
			t.Fatalf("the failing test's output lacks line %d:\n%s", i, report)
		}
	}
	for _, want := range []string{"the failure itself", "======== TestBad (example.com/repo/bad)", "======== TestParent", "child output",
		"The whole log: " + logPath} {
		if !strings.Contains(report, want) {
			t.Errorf("stderr lacks %q:\n%s", want, report)
		}
	}
	for _, unwanted := range []string{"other output", "good output"} {
		if strings.Contains(report, unwanted) {
			t.Errorf("stderr shows a passing test's %q:\n%s", unwanted, report)
		}
	}
	kept, err := os.ReadFile(logPath)
	if err != nil || !strings.Contains(string(kept), "good output") {
		t.Fatalf("the log was not kept at %s: %v", logPath, err)
	}
}

// Tests skipped for an old CLI (as on a machine with Terraform 1.11) are
// summed up in one line saying what runs them; others keep their reason.
func TestTestScriptSumsUpTestsSkippedForAnOldCLI(t *testing.T) {
	root := testRepo(t)
	must(t, os.RemoveAll(filepath.Join(root, "bad")))
	must(t, os.WriteFile(filepath.Join(root, "scripts", "terraform-path.sh"),
		[]byte("#!/bin/sh\ndefault_version=1.16.3\necho /nonexistent/terraform\n"), 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "skips"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "skips", "skips_test.go"), []byte(`package skips

import "testing"

func TestAccAction(t *testing.T) {
	t.Skip("Terraform CLI version 1.11.4 is below minimum version 1.14.0: skipping test")
}

func TestAccActionByHand(t *testing.T) { t.Skip("Terraform 1.11.4 is older than 1.14.0") }

func TestAccIdentity(t *testing.T) {
	t.Run("import", func(t *testing.T) {
		t.Skip("Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test")
	})
}

func TestAccCloud(t *testing.T) { t.Skip("set HW_ACCESS_KEY to run against Huawei Cloud") }
`), 0o644))
	cmd := exec.Command("bash", "scripts/test.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TEST_LOG="+filepath.Join(t.TempDir(), "kept.log"), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("test.sh failed: %v\n%s", err, out)
	}
	report := string(out)
	want := "  skipped: 3 tests that need a newer Terraform CLI (actions 1.14, resource identity 1.12); TERRAFORM_VERSION=1.16.3 make test runs them\n"
	if strings.Count(report, want) != 1 {
		t.Errorf("the report should have the line %q once:\n%s", want, report)
	}
	if !strings.Contains(report, "  skipped: TestAccCloud (set HW_ACCESS_KEY to run against Huawei Cloud)\n") {
		t.Errorf("the other skipped test and its reason are missing:\n%s", report)
	}
	for _, name := range []string{"TestAccAction ", "TestAccActionByHand", "TestAccIdentity/import"} {
		if strings.Contains(report, "skipped: "+name) {
			t.Errorf("%s is listed on its own:\n%s", name, report)
		}
	}
}

// The test binaries are compiled as the builds the tests start are
// (CGO_ENABLED=0, -trimpath), so a first run compiles each package once; a
// GOFLAGS of the user's is kept.
func TestTestScriptCompilesTestsAsTheProviderIsBuilt(t *testing.T) {
	root := testRepo(t)
	must(t, os.RemoveAll(filepath.Join(root, "bad")))
	must(t, os.WriteFile(filepath.Join(root, "good", "env_test.go"), []byte(`package good

import (
	"os"
	"testing"
)

func TestEnv(t *testing.T) { t.Log("CGO_ENABLED=" + os.Getenv("CGO_ENABLED") + " GOFLAGS=" + os.Getenv("GOFLAGS")) }
`), 0o644))
	logPath := filepath.Join(t.TempDir(), "kept.log")
	cmd := exec.Command("bash", "scripts/test.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TEST_LOG="+logPath, "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("test.sh failed: %v\n%s", err, out)
	}
	kept, err := os.ReadFile(logPath)
	must(t, err)
	if !strings.Contains(string(kept), "CGO_ENABLED=0 GOFLAGS=-mod=mod -trimpath\n") {
		t.Errorf("the tests did not run with CGO_ENABLED=0 and GOFLAGS=-mod=mod -trimpath:\n%s", kept)
	}
}

// The README promises macOS, whose sed and grep are BSD's: no sed -i (BSD
// wants an argument), no \s or \t in patterns, no \| alternation in basic
// regular expressions.
func TestScriptsUsePortableSedAndGrep(t *testing.T) {
	gnuOnly := map[string]*regexp.Regexp{
		"sed -i":                     regexp.MustCompile(`\bsed\s+(-[a-zA-Z]*\s+)*-i\b`),
		`\s or \t in a pattern`:      regexp.MustCompile(`\b(sed|grep)\b[^\n]*\\[st]`),
		`\| in a basic grep pattern`: regexp.MustCompile(`\bgrep\s+(-[a-zA-DF-Z]+\s+)*[^E\n]*\\\|`),
	}
	for _, name := range []string{"build-terraform.sh", "test.sh", "terraform-path.sh", "demo.sh", "fetch-terraform.sh"} {
		content, err := os.ReadFile(name)
		must(t, err)
		for n, line := range strings.Split(string(content), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for what, pattern := range gnuOnly {
				if pattern.MatchString(line) {
					t.Errorf("%s:%d uses %s (GNU only): %s", name, n+1, what, line)
				}
			}
		}
	}
}
