package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRunFailsFastWhenTheReleasesSiteDoesNotAnswer(t *testing.T) {
	// The server accepts the request and never answers until the test ends:
	// only the probe's own timeout can end the wait.
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(server.Close)
	t.Cleanup(func() { close(release) })

	dir := filepath.Join(t.TempDir(), "out")
	err := run([]string{"-version", "1.16.3", "-dir", dir, "-base-url", server.URL, "-probe-timeout", "50ms"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), server.URL+" not reachable within 50ms") {
		t.Fatalf("err = %v, want the site named as not reachable within the probe timeout", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("%s was created before the site answered: %v", dir, statErr)
	}
}

func TestRunNamesAMissingRelease(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(server.Close)

	err := run([]string{"-version", "1.99.0", "-dir", t.TempDir(), "-base-url", server.URL}, &bytes.Buffer{})
	want := server.URL + "/terraform/1.99.0/index.json answered 404 Not Found"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// A site that serves a release whose checksums match but whose SHA256SUMS
// is not signed by HashiCorp's key is refused: nothing is installed.
func TestRunRefusesAReleaseWithoutHashiCorpsSignature(t *testing.T) {
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	f, err := zw.Create("terraform")
	must(t, err)
	_, err = f.Write([]byte("#!/bin/sh\necho not terraform\n"))
	must(t, err)
	must(t, zw.Close())
	sum := sha256.Sum256(archive.Bytes())

	mux := http.NewServeMux()
	zipName := fmt.Sprintf("terraform_1.16.3_%s_%s.zip", runtime.GOOS, runtime.GOARCH)
	mux.HandleFunc("/terraform/1.16.3/index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"name":"terraform","version":"1.16.3","shasums":"terraform_1.16.3_SHA256SUMS",
"shasums_signature":"terraform_1.16.3_SHA256SUMS.sig",
"builds":[{"name":"terraform","version":"1.16.3","os":%q,"arch":%q,"filename":%q,"url":%q}]}`,
			runtime.GOOS, runtime.GOARCH, zipName, "http://"+r.Host+"/terraform/1.16.3/"+zipName)
	})
	mux.HandleFunc("/terraform/1.16.3/terraform_1.16.3_SHA256SUMS", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%x  %s\n", sum, zipName)
	})
	mux.HandleFunc("/terraform/1.16.3/terraform_1.16.3_SHA256SUMS.sig", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("not a signature"))
	})
	mux.HandleFunc("/terraform/1.16.3/"+zipName, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		_, _ = w.Write(archive.Bytes())
	})
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)

	dir := t.TempDir()
	var stdout bytes.Buffer
	err = run([]string{"-version", "1.16.3", "-dir", dir, "-base-url", server.URL}, &stdout)
	if err == nil || !strings.Contains(err.Error(), "installing Terraform 1.16.3 from "+server.URL) {
		t.Fatalf("err = %v, want the install refused", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("printed %q for a refused release", stdout.String())
	}
	if _, statErr := os.Stat(filepath.Join(dir, "terraform")); !os.IsNotExist(statErr) {
		t.Errorf("a terraform was installed from an unsigned release: %v", statErr)
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-version", "1.16.3"},
		{"-dir", "x"},
		{"-version", "one", "-dir", "x"},
	} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
