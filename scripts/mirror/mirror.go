package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// mirror writes one version of the provider into a filesystem mirror.
type mirror struct {
	dir, version string
	hosts        []string
	extraFiles   []string // put beside the binary in each zip
	build        func(platform, version, out string) error
	stdout       io.Writer
}

// providerPath is the provider's folder under a host in a mirror.
const providerPath = "vodprovider/vod"

// zipName is the name Terraform looks for in a packed mirror (and a release).
var zipName = regexp.MustCompile(`^terraform-provider-vod_([^_]+)_([a-z0-9]+_[a-z0-9]+)\.zip$`)

func (m mirror) write(platforms []string) error {
	staging, err := os.MkdirTemp("", "vod-mirror-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	zips := map[string]string{} // platform -> zip in staging
	for _, platform := range platforms {
		binary := "terraform-provider-vod_v" + m.version
		if strings.HasPrefix(platform, "windows_") {
			binary += ".exe"
		}
		fmt.Fprintf(m.stdout, "==> %s %s\n", platform, m.version)
		out := filepath.Join(staging, platform, binary)
		if err := m.build(platform, m.version, out); err != nil {
			return err
		}
		z := filepath.Join(staging, fmt.Sprintf("terraform-provider-vod_%s_%s.zip", m.version, platform))
		if err := writeZip(z, out, m.extraFiles); err != nil {
			return err
		}
		zips[platform] = z
	}
	for _, host := range m.hosts {
		folder := filepath.Join(m.dir, host, providerPath)
		// Readable by all (here and below): a mirror is for others to install from.
		if err := os.MkdirAll(folder, 0o755); err != nil { //nolint:gosec // G301: see above
			return err
		}
		for _, z := range zips {
			if err := copyFile(z, filepath.Join(folder, filepath.Base(z))); err != nil {
				return err
			}
		}
		if err := writeIndexes(folder); err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "    wrote %s\n", folder)
	}
	return nil
}

// writeZip packs the binary (executable) and the extra files, each at the
// zip's top level, as the release archives do.
func writeZip(path, binary string, extraFiles []string) error {
	f, err := os.Create(path) //nolint:gosec // G304: a zip in this tool's own staging folder
	if err != nil {
		return err
	}
	w := zip.NewWriter(f)
	add := func(src string, mode os.FileMode) error {
		body, err := os.ReadFile(src) //nolint:gosec // G304: the binary just built and .goreleaser.yml's files
		if err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: filepath.Base(src), Method: zip.Deflate}
		hdr.SetMode(mode)
		fw, err := w.CreateHeader(hdr)
		if err != nil {
			return err
		}
		_, err = fw.Write(body)
		return err
	}
	err = add(binary, 0o755)
	for _, extra := range extraFiles {
		if err == nil {
			err = add(extra, 0o644)
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeIndexes writes index.json and VERSION.json for every zip in folder,
// as terraform providers mirror does after adding packages.
func writeIndexes(folder string) error {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return err
	}
	type archive struct {
		URL    string   `json:"url"`
		Hashes []string `json:"hashes"`
	}
	versions := map[string]map[string]archive{}
	for _, e := range entries {
		match := zipName.FindStringSubmatch(e.Name())
		if match == nil || e.IsDir() {
			continue
		}
		h1, zh, err := packageHashes(filepath.Join(folder, e.Name()))
		if err != nil {
			return err
		}
		if versions[match[1]] == nil {
			versions[match[1]] = map[string]archive{}
		}
		versions[match[1]][match[2]] = archive{URL: e.Name(), Hashes: []string{h1, zh}}
	}
	index := map[string]map[string]struct{}{"versions": {}}
	for version, archives := range versions {
		index["versions"][version] = struct{}{}
		if err := writeJSON(filepath.Join(folder, version+".json"), map[string]any{"archives": archives}); err != nil {
			return err
		}
	}
	return writeJSON(filepath.Join(folder, "index.json"), index)
}

func writeJSON(path string, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(body, '\n'), 0o644) //nolint:gosec // G306: a mirror's index is public
}

func copyFile(src, dst string) error {
	body, err := os.ReadFile(src) //nolint:gosec // G304: a zip in this tool's own staging folder
	if err != nil {
		return err
	}
	// Into a temporary name first: a terraform init reading the mirror
	// meanwhile never sees half a zip.
	if err := os.WriteFile(dst+".partial", body, 0o644); err != nil { //nolint:gosec // G306: a mirror's zips are public
		return err
	}
	return os.Rename(dst+".partial", dst)
}
