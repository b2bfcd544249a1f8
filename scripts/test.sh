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

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Show one line per test and package as they finish; keep the whole log.
set +e
go test -count=1 -timeout 30m -v ${GOTESTFLAGS:-} ./... 2>&1 | tee "$log" | grep --line-buffered -E '^\s*--- |^ok |^FAIL|^panic'
status=${PIPESTATUS[0]}
set -e

passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
acc_passed=$(grep -cE '^--- PASS: TestAcc' "$log" || true)
echo
echo "acceptance tests passed: $acc_passed"
echo "tests: $passed passed, $failed failed, $skipped skipped"
# Each skipped test, and the reason it logged (go test -v prints the reason
# first; a parent's own --- line can stand before a skipped subtest's).
grep -E '^\s*--- SKIP' "$log" | sed -E 's/^\s*--- SKIP: ([^ ]+).*/  skipped: \1/' || true
grep -E '^\s*--- SKIP' -B1 "$log" | grep -vE '^\s*--- |^--$' | sed 's/^ */    reason: /' | sort -u || true
if [[ "$status" -ne 0 ]]; then
  echo "go test failed (exit $status); the full log follows the failures above." >&2
  grep -E -B2 -A30 '^\s*--- FAIL' "$log" | head -200 >&2 || true
  exit "$status"
fi
if [[ "$acc_passed" -eq 0 ]]; then
  echo "No acceptance test ran: check TF_ACC and the Terraform CLI." >&2
  exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped"
