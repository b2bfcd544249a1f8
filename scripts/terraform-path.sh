#!/usr/bin/env bash
# Prints the absolute path of the Terraform CLI the tests, the demo and the
# docs use. By default that is Terraform v1.5.7, built once with go install
# from the Go module proxy into a cache folder of its own (it never replaces
# a terraform you already have). TERRAFORM=/path/to/terraform uses yours
# instead (1.5 or newer).
set -euo pipefail
export CHECKPOINT_DISABLE=1
if [[ -n "${TERRAFORM:-}" ]]; then
  command -v "$TERRAFORM" || { echo "TERRAFORM=$TERRAFORM is not an executable" >&2; exit 1; }
  exit 0
fi
version="${TERRAFORM_VERSION:-1.5.7}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-vod/terraform-v$version"
tf="$dir/terraform"
if [[ ! -x "$tf" ]]; then
  echo "Building Terraform CLI v$version into $dir with go install (2 to 6 minutes the first time)..." >&2
  mkdir -p "$dir"
  CGO_ENABLED=0 GOBIN="$dir" go install "github.com/hashicorp/terraform@v$version" >&2
fi
echo "$tf"
