package main

import (
	"io"
	"strings"
	"testing"
)

func TestRunRejectsBadArgumentsNamingThem(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-version", "0.1.0"}, "-dir is required"},
		{[]string{"-dir", "x", "-version", "1.2"}, `-version must be a semantic version such as 0.1.0 (got -dir "x" -version "1.2")`},
		{[]string{"-dir", "x", "-version", "0.1.0", "-platforms", "linux", "-goreleaser", "../../.goreleaser.yml"}, `platform "linux" is not OS_ARCH`},
		{[]string{"-dir", "x", "-version", "0.1.0", "-goreleaser", "missing.yml"}, "missing.yml"},
	} {
		err := run(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
