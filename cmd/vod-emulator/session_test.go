package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary plays two other parts, chosen by testRoleEnv: the
// emulator itself (for --detach, which starts its own program again) and a
// client run under the emulator, which queries it with the environment it
// was given.
const testRoleEnv = "VOD_EMULATOR_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(testRoleEnv) {
	case "emulator":
		main()
		os.Exit(0)
	case "client":
		os.Exit(queryFromEnvironment())
	}
	os.Exit(m.Run())
}

// queryFromEnvironment queries a task with nothing but the HW_* variables,
// prints the HTTP status and exits 0 on 200 and 5 otherwise.
func queryFromEnvironment() int {
	resp, err := signedQuery(os.Getenv("HW_VOD_ENDPOINT")+"/v1.0/"+os.Getenv("HW_PROJECT_ID")+
		"/asset/preheating?task_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9",
		os.Getenv("HW_ACCESS_KEY"), os.Getenv("HW_SECRET_KEY"), os.Getenv("HW_PROJECT_ID"))
	if err != nil {
		fmt.Println(err)
		return 5
	}
	resp.Body.Close()
	fmt.Println("status", resp.StatusCode)
	if resp.StatusCode != http.StatusOK {
		return 5
	}
	return 0
}

// A secret with a quote and a space, to check the env file's quoting.
const sessionSecret = "SK it's secret"

func sessionArgs(extra ...string) []string {
	return append([]string{"--listen", "127.0.0.1:0", "--access-key", "AKSESSION", "--secret-key", sessionSecret,
		"--project-id", "0123456789abcdef0123456789abcdef", "--processing-time", "0s",
		"--seed", "../../internal/emulator/testdata/tasks.json"}, extra...)
}

func testBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return self
}

// The command runs once the emulator listens, with its environment, and the
// emulator exits with the command's status.
func TestRunCommandUnderEmulator(t *testing.T) {
	t.Setenv(testRoleEnv, "client")
	var stdout, stderr safeBuffer
	err := run(context.Background(), sessionArgs("--", testBinary(t)), &stdout, &stderr)
	if err != nil || stdout.String() != "status 200\n" {
		t.Fatalf("run: %v; the command printed %q; log:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "listening on http://127.0.0.1:") || !strings.Contains(stderr.String(), "served 1 requests") {
		t.Errorf("the log lacks the address or the closing figures:\n%s", stderr.String())
	}

	// A failing command's status is the emulator's.
	err = run(context.Background(), sessionArgs("--", "sh", "-c", "exit 3"), io.Discard, io.Discard)
	if status, ok := errors.AsType[exitStatus](err); !ok || status != 3 {
		t.Fatalf("run with a command exiting 3: %v, want exit status 3", err)
	}
	// So is a command that could not start.
	if err = run(context.Background(), sessionArgs("--", "/nonexistent/command"), io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "/nonexistent/command") {
		t.Fatalf("run with a missing command: %v", err)
	}
}

// SIGTERM is passed on to the command; an interrupt is not (the terminal
// sent it to the command already), and the emulator waits for the command.
func TestRunCommandSignals(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(cancelled, sessionArgs("--", "sleep", "60"), io.Discard, io.Discard)
	if status, ok := errors.AsType[exitStatus](err); !ok || status != 128+15 {
		t.Fatalf("a stopped emulator's command ended with %v, want exit status 143 (SIGTERM)", err)
	}
	interrupted, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(signalCause{os.Interrupt})
	err = run(interrupted, sessionArgs("--", "sh", "-c", "sleep 1; exit 7"), io.Discard, io.Discard)
	if status, ok := errors.AsType[exitStatus](err); !ok || status != 7 {
		t.Fatalf("after an interrupt the command ended with %v, want its own exit status 7", err)
	}
}

// The env file is written once the emulator listens, sources in a shell to
// the provider's environment, and is removed on shutdown.
func TestRunEnvFile(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, sessionArgs("--env-file", envFile), stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("no listening line: %v", <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	baseURL := strings.TrimPrefix(lines.Text(), "listening on ")

	info, err := os.Stat(envFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("env file: %v %v, want mode 0600", info, err)
	}
	t.Setenv(testRoleEnv, "client")
	for _, name := range []string{"HW_VOD_ENDPOINT", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID"} {
		t.Setenv(name, "")
	}
	out, err := exec.Command("sh", "-c", `. "$1" && printf '%s|%s\n' "$HW_VOD_ENDPOINT" "$HW_SECRET_KEY" && "$2"`,
		"sh", envFile, testBinary(t)).CombinedOutput()
	if want := baseURL + "|" + sessionSecret + "\nstatus 200\n"; err != nil || string(out) != want {
		t.Fatalf("sourcing the env file and querying: %v\n%q, want %q", err, out, want)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Errorf("the env file outlived the emulator: %v", err)
	}
}

func TestWriteEnvFileQuotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.env")
	if err := writeEnvFile(path, []envVar{{"A", "x'y"}, {"B", "$HOME `z`"}}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if want := "export A='x'\\''y'\nexport B='$HOME `z`'\n"; err != nil || string(got) != want {
		t.Fatalf("%q %v, want %q", got, err, want)
	}
	if err := writeEnvFile(filepath.Join(t.TempDir(), "missing", "e.env"), nil); err == nil || !strings.Contains(err.Error(), "--env-file") {
		t.Fatalf("a file in a missing folder: %v", err)
	}
}
