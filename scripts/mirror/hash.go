package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// packageHashes returns the two hashes Terraform knows for a provider zip:
// "h1:", which it computes over the files inside (so an unpacked copy has the
// same one; it is what lock files record for a mirror), and "zh:", the
// SHA-256 of the zip itself, as a release's SHA256SUMS lists it.
func packageHashes(zipPath string) (h1, zh string, err error) {
	body, err := os.ReadFile(zipPath) //nolint:gosec // G304: the zips this tool wrote
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(body)
	zh = "zh:" + hex.EncodeToString(sum[:])

	r, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", "", err
	}
	defer r.Close()
	// h1 is Go's dirhash "Hash1": a line "SHA256HEX  NAME\n" per file,
	// sorted by name, and the base64 of that summary's SHA-256.
	var lines []string
	for _, f := range r.File {
		if strings.Contains(f.Name, "\n") {
			return "", "", fmt.Errorf("%s: a file name with a newline", zipPath)
		}
		rc, err := f.Open()
		if err != nil {
			return "", "", err
		}
		h := sha256.New()
		_, err = io.Copy(h, rc) //nolint:gosec // G110: the zips this tool wrote, not foreign ones
		if cerr := rc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", "", err
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", h.Sum(nil), f.Name))
	}
	slices.SortFunc(lines, func(a, b string) int {
		return strings.Compare(a[2*sha256.Size+2:], b[2*sha256.Size+2:])
	})
	summary := sha256.Sum256([]byte(strings.Join(lines, "")))
	return "h1:" + base64.StdEncoding.EncodeToString(summary[:]), zh, nil
}
