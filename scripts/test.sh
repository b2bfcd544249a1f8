#!/usr/bin/env bash
# Runs every test: unit tests and, against the in-process emulator, the
# acceptance tests through a real Terraform CLI. Fails when no acceptance
# test ran, so a missing CLI or a skipped suite cannot pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHECKPOINT_DISABLE=1
export TF_ACC=1
TF_ACC_TERRAFORM_PATH="$(scripts/terraform-path.sh)"
export TF_ACC_TERRAFORM_PATH
# The user's own CLI config (credentials helpers, dev_overrides) must not leak in.
export TF_CLI_CONFIG_FILE=/dev/null
# One compile of each package for the whole run: the builds that tests start
# (make install, make mirror, the provider binary) use CGO_ENABLED=0 and
# -trimpath, as a release does; test binaries compiled the same way share
# their packages, instead of compiling every dependency twice on a first run.
# The race detector needs cgo, so -race keeps it.
if [[ " ${GOTESTFLAGS:-} " != *" -race "* ]]; then
  export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath"
fi

# The whole log is kept (its path is printed at the end, pass or fail), one
# file per run so that concurrent runs do not mix. TEST_LOG picks the file.
log="${TEST_LOG:-${TMPDIR:-/tmp}/terraform-provider-vod-test.$(date +%Y%m%dT%H%M%S).$$.log}"
: >"$log"
# Show one line per test and package as they finish; keep the whole log.
# Portable grep and sed only (the README promises macOS): [[:space:]], not \s.
set +e
go test -count=1 -timeout 30m -v ${GOTESTFLAGS:-} ./... 2>&1 | tee "$log" | grep --line-buffered -E '^[[:space:]]*--- |^ok |^FAIL|^panic'
status=${PIPESTATUS[0]}
set -e

passed=$(grep -cE '^[[:space:]]*--- PASS' "$log" || true)
failed=$(grep -cE '^[[:space:]]*--- FAIL' "$log" || true)
skipped=$(grep -cE '^[[:space:]]*--- SKIP' "$log" || true)
acc_passed=$(grep -cE '^--- PASS: TestAcc' "$log" || true)
echo
echo "acceptance tests passed: $acc_passed"
echo "tests: $passed passed, $failed failed, $skipped skipped"
# Tests skipped because the CLI is too old for them (actions need 1.14,
# resource identity 1.12) are summed up in one line that says what runs
# them; any other skipped test is shown with the reason it logged (go test -v
# prints the reason first; a parent's own --- line can stand before a
# skipped subtest's).
newest="$(sed -n 's/^default_version=//p' scripts/terraform-path.sh 2>/dev/null)"
awk -v newest="${newest:-X.Y.Z}" '
  /^[[:space:]]*--- SKIP/ {
    name = $3
    if (match(reason, /(is below minimum version|is older than) [0-9.]+/)) {
      too_old++
    } else {
      sub(/^[[:space:]]*[^ ]*\.go:[0-9]+: /, "", reason)
      print "  skipped: " name " (" reason ")"
    }
    next
  }
  !/^[[:space:]]*--- / { reason = $0 }
  END {
    if (too_old) printf "  skipped: %d tests that need a newer Terraform CLI (actions 1.14, resource identity 1.12); TERRAFORM_VERSION=%s make test runs them\n", too_old, newest
  }' "$log"
if [[ "$status" -ne 0 ]]; then
  echo >&2
  echo "go test failed (exit $status). Each failed test's whole output:" >&2
  awk -f scripts/failed-tests.awk "$log" >&2
  if [[ "$failed" -eq 0 ]]; then
    echo "No test reported a failure (a build error or a crash?); the log's end:" >&2
    tail -n 60 "$log" >&2
  fi
  echo "The whole log: $log" >&2
  exit "$status"
fi
if [[ "$acc_passed" -eq 0 ]]; then
  echo "No acceptance test ran: check TF_ACC and the Terraform CLI. The whole log: $log" >&2
  exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped. The whole log: $log"
