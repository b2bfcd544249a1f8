package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// --detach returns once the copy in the background listens, with its pid;
// the env file is there by then; kill stops it gracefully.
func TestRunDetach(t *testing.T) {
	t.Setenv(testRoleEnv, "emulator")
	var background *os.Process
	detached = func(p *os.Process) error { background = p; return nil }
	t.Cleanup(func() { detached = func(p *os.Process) error { return p.Release() } })
	dir := t.TempDir()
	envFile, logFile := filepath.Join(dir, "emulator.env"), filepath.Join(dir, "emulator.log")

	var stdout bytes.Buffer
	if err := run(t.Context(), sessionArgs("--detach", "--env-file", envFile, "--log-file", logFile), &stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(stdout.String()))
	if err != nil || background == nil || pid != background.Pid {
		t.Fatalf("stdout %q, want only the pid of the background copy", stdout.String())
	}
	env, err := os.ReadFile(envFile)
	if err != nil || !strings.Contains(string(env), "export HW_VOD_ENDPOINT='http://127.0.0.1:") {
		t.Fatalf("env file once --detach returned: %v\n%s", err, env)
	}
	endpoint := strings.Trim(strings.SplitN(strings.TrimPrefix(string(env), "export HW_VOD_ENDPOINT="), "\n", 2)[0], "'")
	resp := signedGet(t, endpoint+"/v1.0/0123456789abcdef0123456789abcdef/asset/preheating?task_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9",
		"AKSESSION", sessionSecret)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("query of the detached emulator: %d", resp.StatusCode)
	}

	if err := background.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if state, err := background.Wait(); err != nil || !state.Success() {
		t.Fatalf("the detached emulator after SIGTERM: %v %v", state, err)
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Errorf("the env file outlived the emulator: %v", err)
	}
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "served 1 requests") {
		t.Errorf("the log file lacks the closing figures:\n%s", log)
	}
}

// A copy that cannot listen is reported with its log, even without --log-file.
func TestRunDetachReportsFailure(t *testing.T) {
	t.Setenv(testRoleEnv, "emulator")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	err = run(t.Context(), sessionArgs("--detach", "--listen", taken.Addr().String(), "--env-file", envFile), os.Stdout, os.Stderr)
	if err == nil || !strings.Contains(err.Error(), "stopped before listening") || !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Fatalf("detaching an emulator that cannot listen: %v", err)
	}
}

func TestDetachRefusesCommand(t *testing.T) {
	_, err := parseFlags(sessionArgs("--detach", "--", "terraform", "test"), os.Stderr)
	if err == nil || !strings.Contains(err.Error(), "--detach") {
		t.Fatalf("--detach with a command: %v", err)
	}
	o, err := parseFlags(sessionArgs("--", "terraform", "test", "-verbose"), os.Stderr)
	if err != nil || strings.Join(o.session.command, " ") != "terraform test -verbose" {
		t.Fatalf("the command after --: %q %v", o.session.command, err)
	}
}
