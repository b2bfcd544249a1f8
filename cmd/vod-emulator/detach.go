package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// detachedChildEnv marks the background copy that --detach starts, which
// serves instead of detaching again.
const detachedChildEnv = "VOD_EMULATOR_DETACHED"

// selfPath is the program --detach starts again, and detached what it does
// with the copy once it listens; tests replace both.
var (
	selfPath = os.Executable
	detached = func(p *os.Process) error { return p.Release() }
)

// detach starts the emulator again in the background with the same
// arguments, waits for its listening line on a pipe (no polling) and
// prints its pid. Its log goes to logFile, or nowhere; a copy that exits
// before listening is reported with its log.
func detach(args []string, logFile string, stdout io.Writer) error {
	self, err := selfPath()
	if err != nil {
		return fmt.Errorf("--detach: %w", err)
	}
	logPath, discardLog := logFile, logFile == ""
	if discardLog {
		// Kept until the copy listens, to report why it could not; then
		// removed (the copy writes on to the unlinked file, which ends with it).
		tmp, err := os.CreateTemp("", "vod-emulator-*.log")
		if err != nil {
			return fmt.Errorf("--detach: %w", err)
		}
		logPath = tmp.Name()
		_ = tmp.Close()
		defer os.Remove(logPath)
		args = append(append([]string{}, args...), "--log-file", logPath)
	}
	cmd := exec.Command(self, args...) //nolint:gosec // this program, with its own arguments
	cmd.Env = append(os.Environ(), detachedChildEnv+"=1")
	// Its stderr too, for an error before its logger is set up.
	stderr, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600) //nolint:gosec // G304: the log file the user names

	if err != nil {
		return fmt.Errorf("--log-file: %w", err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("--detach: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("--detach: %w", err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "listening on ") {
		waitErr := cmd.Wait()
		log, _ := os.ReadFile(logPath) //nolint:gosec // G304: the log file the user names, or ours
		return errors.New("the emulator stopped before listening (" + fmt.Sprint(waitErr) + "):\n" + strings.TrimSpace(string(log)))
	}
	// The copy prints nothing more; closing our end makes no difference to it.
	_ = out.Close()
	pid := cmd.Process.Pid
	if err := detached(cmd.Process); err != nil {
		return fmt.Errorf("--detach: %w", err)
	}
	_, err = fmt.Fprintln(stdout, pid)
	return err
}
