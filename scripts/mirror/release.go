package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/goccy/go-yaml"
)

// release is what a mirror takes from .goreleaser.yml, so that it holds the
// platforms and the archive contents that a release has.
type release struct {
	Platforms    []string // OS_ARCH, in the file's order
	ArchiveFiles []string // beside the binary in each zip, such as LICENSE
}

// goreleaserConfig is the part of .goreleaser.yml read here.
type goreleaserConfig struct {
	Builds []struct {
		ID     string   `yaml:"id"`
		GOOS   []string `yaml:"goos"`
		GOARCH []string `yaml:"goarch"`
		Ignore []struct {
			GOOS   string `yaml:"goos"`
			GOARCH string `yaml:"goarch"`
		} `yaml:"ignore"`
	} `yaml:"builds"`
	Archives []struct {
		ID    string   `yaml:"id"`
		Files []string `yaml:"files"`
	} `yaml:"archives"`
}

// providerID is the id of the provider's build and archive in .goreleaser.yml.
const providerID = "provider"

func readRelease(path string) (release, error) {
	body, err := os.ReadFile(path) //nolint:gosec // G304: the release config the developer names
	if err != nil {
		return release{}, err
	}
	var cfg goreleaserConfig
	if err := yaml.Unmarshal(body, &cfg); err != nil {
		return release{}, fmt.Errorf("%s: %w", path, err)
	}
	var r release
	found := false
	for _, b := range cfg.Builds {
		if b.ID != providerID {
			continue
		}
		found = true
		for _, goos := range b.GOOS {
			for _, goarch := range b.GOARCH {
				ignored := slices.ContainsFunc(b.Ignore, func(i struct {
					GOOS   string `yaml:"goos"`
					GOARCH string `yaml:"goarch"`
				}) bool {
					return i.GOOS == goos && i.GOARCH == goarch
				})
				if !ignored {
					r.Platforms = append(r.Platforms, goos+"_"+goarch)
				}
			}
		}
	}
	for _, a := range cfg.Archives {
		if a.ID == providerID {
			r.ArchiveFiles = a.Files
		}
	}
	if !found || len(r.Platforms) == 0 {
		return release{}, fmt.Errorf("%s: no build with id %q and platforms", path, providerID)
	}
	return r, nil
}
