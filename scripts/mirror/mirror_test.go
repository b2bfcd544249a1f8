package main

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fakeBuild writes a stand-in binary naming its platform and version.
func fakeBuild(platform, version, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, []byte(platform+" "+version), 0o755)
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type versionIndex struct {
	Archives map[string]struct {
		URL    string   `json:"url"`
		Hashes []string `json:"hashes"`
	} `json:"archives"`
}

func TestMirrorWritesTerraformsPackedLayoutForEachHost(t *testing.T) {
	dir := t.TempDir()
	license := filepath.Join(t.TempDir(), "LICENSE")
	if err := os.WriteFile(license, []byte("MPL-2.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mirror{dir: dir, version: "0.1.0", hosts: defaultHosts, extraFiles: []string{license}, build: fakeBuild, stdout: io.Discard}
	if err := m.write([]string{"linux_amd64", "windows_amd64"}); err != nil {
		t.Fatal(err)
	}
	// A second version is added beside the first, as terraform providers mirror does.
	m.version = "0.2.0"
	if err := m.write([]string{"linux_amd64"}); err != nil {
		t.Fatal(err)
	}
	for _, host := range defaultHosts {
		folder := filepath.Join(dir, host, "vodprovider", "vod")
		var index struct {
			Versions map[string]struct{} `json:"versions"`
		}
		readJSONFile(t, filepath.Join(folder, "index.json"), &index)
		if len(index.Versions) != 2 {
			t.Errorf("%s index.json lists %v, want 0.1.0 and 0.2.0", host, index.Versions)
		}
		var v1 versionIndex
		readJSONFile(t, filepath.Join(folder, "0.1.0.json"), &v1)
		for _, platform := range []string{"linux_amd64", "windows_amd64"} {
			a := v1.Archives[platform]
			name := "terraform-provider-vod_0.1.0_" + platform + ".zip"
			h1, zh, err := packageHashes(filepath.Join(folder, name))
			if err != nil {
				t.Fatal(err)
			}
			if a.URL != name || !slices.Equal(a.Hashes, []string{h1, zh}) {
				t.Errorf("%s 0.1.0.json[%s] = %+v, want url %s and hashes [%s %s]", host, platform, a, name, h1, zh)
			}
		}
		var v2 versionIndex
		readJSONFile(t, filepath.Join(folder, "0.2.0.json"), &v2)
		if len(v2.Archives) != 1 || v2.Archives["linux_amd64"].URL != "terraform-provider-vod_0.2.0_linux_amd64.zip" {
			t.Errorf("%s 0.2.0.json = %+v", host, v2)
		}
	}
	// Each zip holds the executable under Terraform's name, and the extra files.
	z, err := zip.OpenReader(filepath.Join(dir, "registry.terraform.io", "vodprovider", "vod", "terraform-provider-vod_0.1.0_windows_amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
		if f.Name == "terraform-provider-vod_v0.1.0.exe" && f.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s is not executable: %v", f.Name, f.Mode())
		}
	}
	if !slices.Equal(names, []string{"terraform-provider-vod_v0.1.0.exe", "LICENSE"}) {
		t.Errorf("zip holds %v", names)
	}
}

func TestMirrorStopsOnAFailedBuild(t *testing.T) {
	dir := t.TempDir()
	m := mirror{dir: dir, version: "0.1.0", hosts: defaultHosts, build: func(string, string, string) error {
		return os.ErrPermission
	}, stdout: io.Discard}
	if err := m.write([]string{"linux_amd64"}); err == nil {
		t.Fatal("no error when the build failed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed build left %v in the mirror", entries)
	}
}
