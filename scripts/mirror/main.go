// Command mirror writes a provider filesystem mirror of this provider, in the
// layout "terraform providers mirror" writes, for the platforms a release
// builds (.goreleaser.yml). make mirror DIR=... runs it:
//
//	DIR/registry.terraform.io/vodprovider/vod/terraform-provider-vod_0.1.0_linux_amd64.zip
//	DIR/registry.terraform.io/vodprovider/vod/index.json   {"versions": {"0.1.0": {}}}
//	DIR/registry.terraform.io/vodprovider/vod/0.1.0.json   {"archives": {"linux_amd64": {"url": ..., "hashes": ["h1:...", "zh:..."]}}}
//
// and the same under registry.opentofu.org. Terraform's filesystem_mirror
// reads the zips; the JSON files make the folder a network mirror too when a
// web server serves it. Versions already in DIR stay listed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "mirror:", err)
		}
		os.Exit(1)
	}
}

// semver is the form Terraform accepts in a provider version.
var semver = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("mirror", flag.ContinueOnError)
	dir := flags.String("dir", "", "the mirror folder to write (required)")
	version := flags.String("version", "", "the provider version, such as 0.1.0 (required)")
	platforms := flags.String("platforms", "", "OS_ARCH list separated by spaces or commas; default: .goreleaser.yml's")
	hosts := flags.String("hosts", strings.Join(defaultHosts, ","), "registry host names to write the mirror under")
	goreleaser := flags.String("goreleaser", ".goreleaser.yml", "the release config to take platforms and archive files from")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *dir == "" || !semver.MatchString(*version) {
		return fmt.Errorf("-dir is required and -version must be a semantic version such as 0.1.0 (got -dir %q -version %q)", *dir, *version)
	}
	release, err := readRelease(*goreleaser)
	if err != nil {
		return err
	}
	targets := release.Platforms
	if *platforms != "" {
		targets = strings.FieldsFunc(*platforms, func(r rune) bool { return r == ' ' || r == ',' })
	}
	for _, p := range targets {
		if !strings.Contains(p, "_") {
			return fmt.Errorf("platform %q is not OS_ARCH, such as linux_amd64", p)
		}
	}
	m := mirror{dir: *dir, version: *version, hosts: strings.Split(*hosts, ","), extraFiles: release.ArchiveFiles, build: goBuild, stdout: stdout}
	return m.write(targets)
}

// defaultHosts are the registries whose address "vodprovider/vod" means:
// Terraform's and OpenTofu's.
var defaultHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// goBuild cross-compiles the provider as the release does (.goreleaser.yml).
func goBuild(platform, version, out string) error {
	goos, goarch, _ := strings.Cut(platform, "_")
	//nolint:gosec // G204: the developer's own make mirror; the version is checked as semver
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, ".")
	// GOARM=6 is goreleaser's default for arm.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOARM=6")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w", platform, err)
	}
	return nil
}
