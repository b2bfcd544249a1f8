#!/usr/bin/env bash
# Prints the absolute path of the Terraform CLI the tests and the demo use,
# building it from the Go module proxy first when it is missing.
# TERRAFORM=/path/to/terraform overrides it (any 1.x from 1.5 on works).
set -euo pipefail
export CHECKPOINT_DISABLE=1
TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
if [[ -n "${TERRAFORM:-}" ]]; then
  command -v "$TERRAFORM"
  exit 0
fi
bin_dir="$(go env GOPATH)/bin"
tf="$bin_dir/terraform"
if [[ -x "$tf" ]] && "$tf" version -json 2>/dev/null | grep -q "\"terraform_version\": \"$TERRAFORM_VERSION\""; then
  echo "$tf"
  exit 0
fi
echo "Building Terraform CLI v$TERRAFORM_VERSION with go install (about 5 minutes the first time)..." >&2
CGO_ENABLED=0 GOBIN="$bin_dir" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" >&2
echo "$tf"
