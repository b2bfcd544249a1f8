package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestReadReleaseTakesTheProviderBuildsPlatformsLessIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goreleaser.yml")
	if err := os.WriteFile(path, []byte(`
builds:
  - id: provider
    goos: [linux, darwin]
    goarch: [amd64, arm]
    ignore:
      - { goos: darwin, goarch: arm }
  - id: emulator
    goos: [windows]
    goarch: [amd64]
archives:
  - id: provider
    files: [LICENSE, README.md]
  - id: emulator
    files: [NOTICE]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := readRelease(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"linux_amd64", "linux_arm", "darwin_amd64"}; !slices.Equal(r.Platforms, want) {
		t.Errorf("platforms = %v, want %v", r.Platforms, want)
	}
	if want := []string{"LICENSE", "README.md"}; !slices.Equal(r.ArchiveFiles, want) {
		t.Errorf("archive files = %v, want %v", r.ArchiveFiles, want)
	}
}

// The repository's own release config: the platforms a release publishes.
func TestReadReleaseOfThisRepository(t *testing.T) {
	r, err := readRelease("../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"linux_amd64", "linux_arm64", "darwin_arm64", "windows_amd64", "freebsd_386"} {
		if !slices.Contains(r.Platforms, p) {
			t.Errorf("%s missing from %v", p, r.Platforms)
		}
	}
	for _, p := range []string{"darwin_386", "darwin_arm", "windows_arm"} {
		if slices.Contains(r.Platforms, p) {
			t.Errorf("%s is ignored by .goreleaser.yml but listed", p)
		}
	}
	if !slices.Contains(r.ArchiveFiles, "LICENSE") {
		t.Errorf("archive files %v lack LICENSE", r.ArchiveFiles)
	}
}

func TestReadReleaseWithoutAProviderBuildIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goreleaser.yml")
	if err := os.WriteFile(path, []byte("builds:\n  - id: other\n    goos: [linux]\n    goarch: [amd64]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readRelease(path); err == nil {
		t.Fatal("no error without a build whose id is provider")
	}
}
