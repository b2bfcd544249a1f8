package scripts

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// demoRepo is a copy of demo.sh and examples/demo in a temporary repository
// with stand-ins: terraform-path.sh names a fake terraform of version, which
// records its arguments and writes colour codes unless given -no-color;
// install.sh and go print module downloads on stderr, as a cold run does,
// and go build leaves a fake emulator that only writes where it listens.
func demoRepo(t *testing.T, version string) (root, argsLog string) {
	t.Helper()
	root, bin := t.TempDir(), t.TempDir()
	argsLog = filepath.Join(t.TempDir(), "terraform-args.log")
	write := func(path, content string, mode os.FileMode) {
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, []byte(content), mode))
	}
	script, err := os.ReadFile("demo.sh")
	must(t, err)
	write(filepath.Join(root, "scripts", "demo.sh"), string(script), 0o755)
	for _, name := range []string{"main.tf", "action.tf", "tasks.json"} {
		content, err := os.ReadFile(filepath.Join("..", "examples", "demo", name))
		must(t, err)
		write(filepath.Join(root, "examples", "demo", name), string(content), 0o644)
	}
	terraform := filepath.Join(bin, "fake-terraform")
	write(terraform, fmt.Sprintf(`#!/bin/sh
echo "$*" >>%q
case "$1" in
version) printf '{"terraform_version": "%s"}\n' ;;
init) echo "- Installed vodprovider/vod v0.1.0 (unauthenticated)"; : >.terraform.lock.hcl ;;
apply)
  for arg in "$@"; do [ "$arg" = -no-color ] && { echo "Apply complete!"; exit 0; }; done
  printf '\033[0m\033[1mApply complete!\033[0m\n' ;;
esac
`, argsLog, version), 0o755)
	write(filepath.Join(root, "scripts", "terraform-path.sh"), "#!/bin/sh\necho "+terraform+"\n", 0o755)
	write(filepath.Join(root, "scripts", "install.sh"), `#!/bin/sh
echo "go: downloading github.com/hashicorp/terraform-plugin-framework v1.19.0" >&2
mkdir -p "$PLUGINS_DIR"
echo "    installed $PLUGINS_DIR/terraform-provider-vod_v0.1.0"
`, 0o755)
	write(filepath.Join(bin, "go"), `#!/bin/sh
echo "go: downloading github.com/huaweicloud/huaweicloud-sdk-go-v3 v0.1.207" >&2
[ "$1" = build ] || exit 1
echo "CGO_ENABLED=$CGO_ENABLED $*" >>"$GO_LOG"
while [ "$1" != -o ]; do shift; done
cat >"$2" <<'EMULATOR'
#!/bin/sh
# As vod-emulator --detach --env-file F: writes F once it listens, prints a pid.
while [ $# -gt 0 ]; do [ "$1" = --env-file ] && { env_file="$2"; shift; }; shift; done
echo "export HW_VOD_ENDPOINT=http://127.0.0.1:1" >"$env_file"
sleep 60 >/dev/null 2>&1 &
echo $!
EMULATOR
chmod +x "$2"
`, 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("GO_LOG", filepath.Join(t.TempDir(), "go.log"))
	return root, argsLog
}

func runDemo(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "demo.sh"))
	out, err := cmd.CombinedOutput() // not a terminal, as in CI
	if err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out)
	}
	return string(out)
}

func TestDemoKeepsModuleDownloadsAndColourOffTheScreen(t *testing.T) {
	root, argsLog := demoRepo(t, "1.16.3")
	out := runDemo(t, root)

	if strings.Contains(out, "go: downloading") || strings.Contains(out, "\033[") {
		t.Errorf("the output shows module downloads or colour codes:\n%q", out)
	}
	buildLog := filepath.Join(root, ".demo", "build.log")
	if !strings.Contains(out, "log: "+buildLog) {
		t.Errorf("the output does not say where the build log is:\n%s", out)
	}
	logged, err := os.ReadFile(buildLog)
	if err != nil || strings.Count(string(logged), "go: downloading") != 2 {
		t.Errorf("the build log should hold both builds' downloads: %q, %v", logged, err)
	}
	args, err := os.ReadFile(argsLog)
	must(t, err)
	for _, command := range []string{"init", "apply"} {
		found := false
		for _, line := range strings.Split(string(args), "\n") {
			if strings.HasPrefix(line, command+" ") {
				found = true
				if !strings.Contains(line, "-no-color") {
					t.Errorf("terraform %s ran without -no-color off a terminal: %s", command, line)
				}
			}
		}
		if !found {
			t.Errorf("terraform %s did not run: %s", command, args)
		}
	}
	// The emulator is built as install.sh builds the provider, so that a
	// first run compiles the packages they share once.
	install, err := os.ReadFile("install.sh")
	must(t, err)
	goLog, err := os.ReadFile(os.Getenv("GO_LOG"))
	must(t, err)
	if !strings.Contains(string(install), "CGO_ENABLED=0 go build -trimpath ") ||
		!strings.HasPrefix(string(goLog), "CGO_ENABLED=0 build -trimpath -o ") {
		t.Errorf("the emulator's build (%q) and install.sh's should both be CGO_ENABLED=0 go build -trimpath", goLog)
	}
	if _, err := os.Stat(filepath.Join(root, ".demo", "action.tf")); err != nil {
		t.Errorf("Terraform 1.16.3 has actions, but the demo left action.tf out: %v", err)
	}
}

// A Terraform without actions (1.11, say) runs the rest of the demo and says
// in one line what would run the action.
func TestDemoOnAnOlderTerraformLeavesTheActionOutInOneLine(t *testing.T) {
	root, _ := demoRepo(t, "1.11.4")
	out := runDemo(t, root)

	want := "==> Terraform 1.11.4 has no actions (1.14+): the vod_preheat action is left out; TERRAFORM_VERSION=1.16.3 make demo runs it\n"
	if strings.Count(out, want) != 1 || strings.Count(out, "action") != strings.Count(want, "action") {
		t.Errorf("the output should mention the action once, in the line %q:\n%s", want, out)
	}
	if _, err := os.Stat(filepath.Join(root, ".demo", "action.tf")); !os.IsNotExist(err) {
		t.Errorf("action.tf was copied for a Terraform without actions: %v", err)
	}
	if !strings.Contains(out, "Apply complete!") {
		t.Errorf("the demo did not apply:\n%s", out)
	}
}
