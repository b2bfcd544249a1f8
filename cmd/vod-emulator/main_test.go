package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// safeBuffer collects stderr from the server goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testProjectID is the project of every emulator these tests start.
const testProjectID = "0123456789abcdef0123456789abcdef"

// signedGet queries a task of testProjectID the way the SDK would sign it.
func signedGet(t *testing.T, url, ak, sk string) *http.Response {
	t.Helper()
	resp, err := signedQuery(url, ak, sk, testProjectID)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func signedQuery(url, ak, sk, projectID string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(emulator.HeaderProjectID, projectID)
	date := time.Now().UTC().Format(emulator.SDKDateFormat)
	req.Header.Set(emulator.HeaderSDKDate, date)
	signed := []string{"x-project-id", "x-sdk-date"}
	canonical, err := emulator.CanonicalRequest(req, signed, nil)
	if err != nil {
		return nil, err
	}
	sig := emulator.Sign(sk, emulator.StringToSign(date, canonical))
	req.Header.Set("Authorization", emulator.Algorithm+" Access="+ak+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
	return http.DefaultClient.Do(req)
}

func TestRunServesUntilCancelled(t *testing.T) {
	const ak, sk, pid = "AKCMD", "SKCMD-secret-value", testProjectID
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	stderr := &safeBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--access-key", ak, "--secret-key", sk,
			"--project-id", pid, "--processing-time", "0s", "--seed", "../../internal/emulator/testdata/tasks.json"},
			stdoutW, stderr)
		stdoutW.Close()
	}()

	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("no listening line; run returned %v", <-done)
	}
	baseURL, ok := strings.CutPrefix(lines.Text(), "listening on ")
	if !ok || !strings.HasPrefix(baseURL, "http://127.0.0.1:") {
		t.Fatalf("first stdout line = %q", lines.Text())
	}

	preheat := baseURL + "/v1.0/" + pid + "/asset/preheating"
	resp := signedGet(t, preheat+"?task_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9", ak, sk)
	var body struct {
		PreheatingResults []emulator.URLSeed `json:"preheating_results"`
	}
	err := json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(body.PreheatingResults) != 3 ||
		body.PreheatingResults[1].Status != "succeed" {
		t.Fatalf("seeded query: %d %v %+v", resp.StatusCode, err, body)
	}
	resp = signedGet(t, preheat+"?task_id=x", ak, "wrong")
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	if lines.Scan() {
		t.Errorf("extra stdout output: %q", lines.Text())
	}
	if _, err := http.Get(preheat); err == nil {
		t.Error("server still answering after shutdown")
	}
	if logs := stderr.String(); !strings.Contains(logs, "served 2 requests, 0 refused over the quota, on ") {
		t.Errorf("stderr lacks the closing figures:\n%s", logs)
	}
	if logs := stderr.String(); strings.Contains(logs, sk) || !strings.Contains(logs, "rejected") {
		t.Errorf("stderr leaks the secret or lacks the rejection reason:\n%s", logs)
	}
}

func TestRunFlagErrors(t *testing.T) {
	for _, env := range []string{"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID", "HW_SECURITY_TOKEN"} {
		t.Setenv(env, "")
	}
	cases := map[string][]string{
		"missing credentials": {"--listen", "127.0.0.1:0"},
		"negative processing": {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "--processing-time", "-1s"},
		"stray argument":      {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "extra"},
		"missing seed file":   {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "--seed", "nope.json"},
		"bad listen address":  {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "--listen", "256.0.0.1:bad"},
		"negative quota":      {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "--quota-rps", "-2"},
		"fractional window":   {"--access-key", "a", "--secret-key", "s", "--project-id", "p", "--quota-window", "1500ms"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout strings.Builder
			err := run(context.Background(), args, &stdout, io.Discard)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
	var stdout strings.Builder
	err := run(context.Background(), []string{}, &stdout, io.Discard)
	for _, flagName := range []string{"--access-key", "--secret-key", "--project-id"} {
		if err == nil || !strings.Contains(err.Error(), flagName) {
			t.Errorf("error %v does not name %s", err, flagName)
		}
	}
}

func TestRunReadsEnvironment(t *testing.T) {
	t.Setenv("HW_ACCESS_KEY", "AKENV")
	t.Setenv("HW_SECRET_KEY", "SKENV")
	t.Setenv("HW_PROJECT_ID", "PIDENV")
	t.Setenv("HW_SECURITY_TOKEN", "")
	o, err := parseFlags([]string{"--listen", "127.0.0.1:0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.accessKey != "AKENV" || o.secretKey != "SKENV" || o.projectID != "PIDENV" {
		t.Fatalf("options from env = %+v", o)
	}
	o, err = parseFlags([]string{"--access-key", "AKFLAG"}, io.Discard)
	if err != nil || o.accessKey != "AKFLAG" {
		t.Fatalf("flag should win over env: %+v %v", o, err)
	}
}

func TestQuotaFlags(t *testing.T) {
	o, err := parseFlags([]string{"--access-key", "a", "--secret-key", "s", "--project-id", "p",
		"--quota-rps", "2.5", "--quota-burst", "4", "--huawei-quota", "--quota-creates-per-day", "5", "--quota-window", "2s",
		"--quota-refreshes-per-day", "7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.Quota{RequestsPerSecond: 2.5, Burst: 4, QueriesPerMinute: 100, CreatesPerMinute: 10, CreatesPerDay: 5, Window: 2 * time.Second,
		RefreshesPerMinute: 100, RefreshesPerDay: 7}
	if o.quota != want {
		t.Fatalf("quota %+v, want %+v", o.quota, want)
	}
	o, err = parseFlags([]string{"--access-key", "a", "--secret-key", "s", "--project-id", "p"}, io.Discard)
	if err != nil || o.quota != (emulator.Quota{}) {
		t.Fatalf("quota %+v (%v), want all off by default", o.quota, err)
	}
}

func TestIdentityFlags(t *testing.T) {
	base := []string{"--access-key", "a", "--secret-key", "s", "--project-id", "p"}
	o, err := parseFlags(append(base, "--signing-algorithm", "SM2SM3", "--project-name", "vod-prod", "--temporary-key-lifetime", "1h"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (identityOptions{signingAlgorithm: "SM2SM3", projectName: "vod-prod", temporaryKeyLifetime: time.Hour}); o.identity != want {
		t.Fatalf("identity %+v, want %+v", o.identity, want)
	}
	if o, err = parseFlags(base, io.Discard); err != nil || o.identity.signingAlgorithm != "HmacSHA256" || o.identity.projectName != "cn-north-4" {
		t.Fatalf("defaults %+v (%v)", o.identity, err)
	}
	if _, err := parseFlags(append(base, "--signing-algorithm", "HmacSHA1"), io.Discard); err == nil || !strings.Contains(err.Error(), "HmacSHA1") {
		t.Fatalf("an unknown algorithm: %v", err)
	}
}

func TestRunVersionNeedsNoCredentials(t *testing.T) {
	for _, env := range []string{"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID", "HW_SECURITY_TOKEN"} {
		t.Setenv(env, "")
	}
	var stdout strings.Builder
	if err := run(context.Background(), []string{"--version"}, &stdout, io.Discard); err != nil {
		t.Fatalf("run --version: %v", err)
	}
	if got, want := stdout.String(), "vod-emulator dev\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// TestRunUppercaseStatus checks --uppercase-status reaches the emulator:
// simulated URLs are answered as the SDKs' enums spell them, other statuses
// as seeded.
func TestRunUppercaseStatus(t *testing.T) {
	const ak, sk, pid = "AKCMD", "SKCMD-secret-value", testProjectID
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--access-key", ak, "--secret-key", sk, "--project-id", pid,
			"--uppercase-status", "--processing-time", "0s", "--seed", "../../internal/emulator/testdata/tasks.json"}, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatal("no listening line")
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	baseURL := strings.TrimPrefix(lines.Text(), "listening on ")
	resp := signedGet(t, baseURL+"/v1.0/"+pid+"/asset/preheating?task_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9", ak, sk)
	defer resp.Body.Close()
	var body struct {
		PreheatingResults []emulator.URLSeed `json:"preheating_results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || len(body.PreheatingResults) != 3 ||
		body.PreheatingResults[0].Status != "queued" || body.PreheatingResults[1].Status != "SUCCEED" || body.PreheatingResults[2].Status != "FAILED" {
		t.Fatalf("seeded query with --uppercase-status: %v %+v", err, body)
	}
}

func TestHelpShowsTheCommandMode(t *testing.T) {
	var stderr strings.Builder
	if err := run(context.Background(), []string{"--help"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run --help: %v", err)
	}
	for _, want := range []string{"[-- command [args...]]", "HW_VOD_ENDPOINT", "-env-file", "-detach", "-log-file"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, stderr.String())
		}
	}
}
