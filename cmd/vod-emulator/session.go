package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// sessionOptions say how the emulator is started for a test run: with a
// command to run against it, an environment file to write, in the
// background.
type sessionOptions struct {
	command          []string
	envFile, logFile string
	detach           bool
}

// envVar is one variable of the provider's environment.
type envVar struct{ name, value string }

// providerEnv is what the provider needs to reach this emulator: its
// address, the keys and the project, and the signing algorithm and token
// when the tenant has them. With project_id known, the provider needs no
// region and makes no IAM lookup.
func providerEnv(o options, baseURL string) []envVar {
	env := []envVar{
		{"HW_VOD_ENDPOINT", baseURL},
		{"HW_ACCESS_KEY", o.accessKey},
		{"HW_SECRET_KEY", o.secretKey},
		{"HW_PROJECT_ID", o.projectID},
	}
	if o.securityToken != "" {
		env = append(env, envVar{"HW_SECURITY_TOKEN", o.securityToken})
	}
	if o.identity.signingAlgorithm != emulator.HmacSHA256 {
		env = append(env, envVar{"HW_SIGNING_ALGORITHM", o.identity.signingAlgorithm})
	}
	return env
}

// writeEnvFile writes env as "export NAME='value'" lines, readable by the
// owner only (it holds the secret key). It writes a temporary file beside
// path and renames it, so that a reader never sees half a file.
func writeEnvFile(path string, env []envVar) error {
	var b strings.Builder
	for _, v := range env {
		fmt.Fprintf(&b, "export %s=%s\n", v.name, shellQuote(v.value))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("--env-file: %w", err)
	}
	_, err = tmp.WriteString(b.String())
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("--env-file: %w", err)
	}
	return nil
}

// shellQuote quotes s for POSIX shells: inside single quotes nothing is
// special but the single quote itself.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// exitStatus is the status the emulator exits with: the command's.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("the command exited with status %d", int(e)) }

// signalCause is why main's context was cancelled.
type signalCause struct{ os.Signal }

func (s signalCause) Error() string { return "received " + s.String() }

// runCommand runs the command with env added to the emulator's own
// environment and returns its exit status (exitStatus) when it is not 0.
// When ctx ends it passes SIGTERM on, except for an interrupt (Ctrl-C):
// the terminal sends that to the command too, and a second one would make
// Terraform stop at once rather than gracefully. It then waits for the
// command to end.
func runCommand(ctx context.Context, command []string, env []envVar, stdout, stderr io.Writer) error {
	cmd := exec.Command(command[0], command[1:]...) //nolint:gosec // running the user's command is the point
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = os.Environ()
	for _, v := range env {
		cmd.Env = append(cmd.Env, v.name+"="+v.value)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s: %w", command[0], err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-ctx.Done():
		var cause signalCause
		if !errors.As(context.Cause(ctx), &cause) || cause.Signal != os.Interrupt {
			if cmd.Process.Signal(syscall.SIGTERM) != nil {
				_ = cmd.Process.Kill() // Windows has no SIGTERM
			}
		}
		err = <-waited
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return err
	}
	if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return exitStatus(128 + int(status.Signal())) // as shells report it
	}
	return exitStatus(exitErr.ExitCode())
}
