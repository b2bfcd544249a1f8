package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cliWorkdir runs the Terraform CLI by hand, for what terraform-plugin-testing
// does not show: the CLI's own output, such as an action's progress messages
// and warnings. The provider is served from this test process in debug mode
// and the CLI reattaches to it through TF_REATTACH_PROVIDERS, exactly as
// terraform-plugin-testing does, so no provider binary is built or installed
// and the emulator stays in-process. Output is read with -no-color.
type cliWorkdir struct {
	t         *testing.T
	dir       string
	terraform string
	env       []string
}

// providerAddress is where the CLI finds the provider: configurations
// without required_providers resolve "vod" to hashicorp/vod.
const providerAddress = "registry.terraform.io/hashicorp/vod"

// newCLIWorkdir writes config to a fresh directory, serves the provider and
// runs terraform init. It skips unless TF_ACC is set, and below minVersion.
func newCLIWorkdir(t *testing.T, minVersion, config string) *cliWorkdir {
	t.Helper()
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || terraform == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run the Terraform CLI")
	}
	skipBelow(t, terraform, minVersion)

	reattach := serveProviderForCLI(t, providerAddress)
	w := &cliWorkdir{t: t, dir: t.TempDir(), terraform: terraform, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE="+os.DevNull, "TF_LOG=")}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := w.run("init", "-input=false"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return w
}

// serveProviderForCLI serves the provider from this test process in debug
// mode under address until the test ends, and returns the
// TF_REATTACH_PROVIDERS value with which a Terraform CLI uses it.
func serveProviderForCLI(t *testing.T, address string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(address, providerserver.NewProtocol6(New("test")()),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the provider server did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	reattach, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": 6, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(reattach)
}

// run runs one terraform command and returns its combined output.
func (w *cliWorkdir) run(args ...string) (string, error) {
	w.t.Helper()
	args = append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)
	cmd := exec.Command(w.terraform, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// skipBelow skips the test when the CLI is older than minVersion.
func skipBelow(t *testing.T, terraform, minVersion string) {
	t.Helper()
	out, err := exec.Command(terraform, "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("terraform version -json: %v", err)
	}
	if version.Must(version.NewVersion(v.Version)).LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("Terraform %s is older than %s", v.Version, minVersion)
	}
}

// requireInOrder fails unless output contains the fragments in order.
// Terraform wraps diagnostics, so any run of whitespace matches any other.
func requireInOrder(t *testing.T, output string, fragments ...string) {
	t.Helper()
	rest := strings.Join(strings.Fields(output), " ")
	for _, f := range fragments {
		f = strings.Join(strings.Fields(f), " ")
		i := strings.Index(rest, f)
		if i < 0 {
			t.Fatalf("the output lacks %q (in order); it is:\n%s", f, output)
		}
		rest = rest[i+len(f):]
	}
}

// stateResources reads terraform show -json: each resource in state and
// whether it is tainted.
func (w *cliWorkdir) stateResources(t *testing.T) map[string]bool {
	t.Helper()
	out, err := w.run("show", "-json")
	if err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Tainted bool   `json:"tainted"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	resources := map[string]bool{}
	for _, r := range shown.Values.RootModule.Resources {
		resources[r.Address] = r.Tainted
	}
	return resources
}
