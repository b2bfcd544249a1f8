// Command terraform-provider-vod serves the vod provider to Terraform.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vodprovider/terraform-provider-vod/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=..." (see .goreleaser.yml).
var version = "dev"

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		log.Fatal(err)
	}
}

// errUsage means the flags were wrong; the flag package has already said how.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("terraform-provider-vod", flag.ContinueOnError)
	flags.SetOutput(stderr)
	debug := flags.Bool("debug", false, "run the provider with support for debuggers like delve")
	showVersion := flags.Bool("version", false, "print the provider's version and exit")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *showVersion {
		_, err := fmt.Fprintf(stdout, "terraform-provider-vod %s\n", version)
		return err
	}
	if !*debug {
		// In debug mode the provider's stderr is the developer's terminal,
		// not Terraform's log filter: everything stays.
		if err := applyTerraformLogLevel(); err != nil {
			return err
		}
	}
	return providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/vodprovider/vod",
		Debug:   *debug,
	})
}
