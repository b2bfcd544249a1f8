package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// zipOf writes a zip holding files, in the order given.
func zipOf(t *testing.T, files ...[2]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for _, file := range files {
		fw, err := w.Create(file[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(file[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPackageHashesH1IsTerraformsOverTheFilesInside(t *testing.T) {
	// Known answer, computed with coreutils:
	//   { printf '%s  %s\n' "$(sha256sum a.txt | cut -d' ' -f1)" a.txt; ... b.bin; } |
	//     sha256sum | cut -d' ' -f1 | xxd -r -p | base64
	// for a.txt = "beta" and b.bin = "alpha\n" (whose hash sorts first: the
	// lines must be sorted by name, not by hash).
	const want = "h1:hEoAJH+UemOR2Qgg5jtoTSZekGJRTuZ8zxk411XkLi8="
	// Either order inside the zip: h1 sorts by name.
	for _, order := range [][][2]string{
		{{"a.txt", "beta"}, {"b.bin", "alpha\n"}},
		{{"b.bin", "alpha\n"}, {"a.txt", "beta"}},
	} {
		path := zipOf(t, order...)
		h1, zh, err := packageHashes(path)
		if err != nil {
			t.Fatal(err)
		}
		if h1 != want {
			t.Errorf("h1 = %s, want %s (files in order %s, %s)", h1, want, order[0][0], order[1][0])
		}
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		if zh != "zh:"+hex.EncodeToString(sum[:]) {
			t.Errorf("zh = %s, want the SHA-256 of the zip file", zh)
		}
	}
}

func TestPackageHashesFailsOnANonZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not.zip")
	if err := os.WriteFile(path, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := packageHashes(path); err == nil {
		t.Fatal("no error for a file that is not a zip")
	}
}
