// Command terraform-release installs an official Terraform CLI release,
// checked against HashiCorp's signature of its SHA256SUMS, with
// hashicorp/hc-install:
//
//	go run ./scripts/terraform-release -version 1.16.3 -dir DIR
//
// It puts DIR/terraform there and prints its path. scripts/terraform-path.sh
// runs it before building the CLI from source (which lacks the remote-state
// backends). Where releases.hashicorp.com cannot be reached, it fails within
// -probe-timeout, so that the fallback build starts at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hc-install/product"
	"github.com/hashicorp/hc-install/releases"
)

// releasesURL is hc-install's default; -base-url replaces it in tests.
const releasesURL = "https://releases.hashicorp.com"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "terraform-release:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("terraform-release", flag.ContinueOnError)
	want := flags.String("version", "", "the Terraform release to install, such as 1.16.3")
	dir := flags.String("dir", "", "the folder to put terraform in (created if missing)")
	baseURL := flags.String("base-url", releasesURL, "the releases site")
	probeTimeout := flags.Duration("probe-timeout", 5*time.Second, "how long the first request to the releases site may take")
	timeout := flags.Duration("timeout", 5*time.Minute, "how long the download may take")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *want == "" || *dir == "" {
		return errors.New("usage: terraform-release -version X.Y.Z -dir DIR")
	}
	v, err := version.NewVersion(*want)
	if err != nil {
		return fmt.Errorf("-version %q: %w", *want, err)
	}
	base := strings.TrimSuffix(*baseURL, "/")
	if err := probe(base, v, *probeTimeout); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return err
	}
	installer := &releases.ExactVersion{Product: product.Terraform, Version: v, InstallDir: *dir, Timeout: *timeout}
	if base != releasesURL {
		installer.ApiBaseURL = base
	}
	// hc-install leaves the binary executable by its owner only, which is
	// all the per-user cache needs.
	path, err := installer.Install(context.Background())
	if err != nil {
		return fmt.Errorf("installing Terraform %s from %s: %w", v, base, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, abs)
	return err
}

// probe asks for the release's index within timeout, so that a machine
// without access to the releases site learns it in seconds, not after
// hc-install's own, longer timeout.
func probe(base string, v *version.Version, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	url := fmt.Sprintf("%s/terraform/%s/index.json", base, v)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s not reachable within %s: %w", base, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}
