#!/usr/bin/env bash
# Prints the absolute path of the Terraform CLI that the tests, the demo and
# the docs use, and says on stderr, in one line, which one it chose and why.
# In order:
#   1. TERRAFORM=/path/to/terraform, when set (any version);
#   2. TERRAFORM_VERSION=X.Y.Z, when set: that release, installed once into
#      the cache (below);
#   3. a terraform on PATH of at least TERRAFORM_MIN_VERSION (default 1.5.0,
#      the oldest supported; the tests and the demo skip what needs newer);
#   4. the cached default release (1.16.3);
#   5. otherwise it installs that release into
#      ~/.cache/terraform-provider-vod/terraform-vX.Y.Z/.
# Installing takes the official, signature-checked release from
# releases.hashicorp.com (scripts/fetch-terraform.sh: seconds, every backend);
# where that site cannot be reached, it builds the release from the Go module
# proxy (scripts/build-terraform.sh: minutes, without the remote-state
# backends). Either writes its output to a log, whose path it prints.
# It never replaces a terraform you already have.
set -euo pipefail
export CHECKPOINT_DISABLE=1
caller="$(pwd)"
# shellcheck source=scripts/cli-path-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cli-path-lib.sh"
cd "$(dirname "$0")/.."
default_version=1.16.3
min_version="${TERRAFORM_MIN_VERSION:-1.5.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-vod"

chose() { echo "Terraform CLI: $1" >&2; }

if [[ -n "${TERRAFORM:-}" ]]; then
  tf="$(resolve_executable TERRAFORM "$TERRAFORM")" || exit 1
  have="$(version_of "$tf")"
  chose "$tf (v${have:-unknown}, from TERRAFORM)"
  echo "$tf"
  exit 0
fi

version="${TERRAFORM_VERSION:-}"
if [[ -z "$version" ]]; then
  if found="$(command -v terraform)"; then
    have="$(version_of "$found")"
    if at_least "$have" "$min_version"; then
      chose "$found (v$have, on PATH, at least $min_version)"
      echo "$found"
      exit 0
    fi
    skipped=", not $found (v${have:-unknown} < $min_version)"
  fi
  version=$default_version
fi

tf="$cache/terraform-v$version/terraform"
if [[ -x "$tf" ]]; then
  chose "$tf (v$version, cached${skipped:-})"
  echo "$tf"
  exit 0
fi

# Each install has a folder of its own, so two first installs at once (two
# test runs, say) cannot write into each other's; the finished binary then
# takes its final name in one rename, which replaces the other's atomically.
mkdir -p "$cache"
partial="$(mktemp -d "$cache/.terraform-v$version.XXXXXX")"
log="$partial.log"
trap 'rm -rf "$partial"' EXIT
echo "Installing Terraform CLI v$version into $(dirname "$tf")${skipped:-}; log: $log" >&2
if scripts/fetch-terraform.sh "$version" "$partial" >"$log" 2>&1; then
  how="official release from releases.hashicorp.com"
else
  echo "  releases.hashicorp.com: $(tail -n 1 "$log"); building v$version from the Go module proxy instead (2 to 6 minutes, once per machine; no s3, gcs or azurerm backends)" >&2
  if ! scripts/build-terraform.sh "$version" "$partial" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "Building Terraform CLI v$version failed; the whole log: $log" >&2
    exit 1
  fi
  how="built from source"
fi
mkdir -p "$(dirname "$tf")"
mv -f "$partial/terraform" "$tf"
mv -f "$log" "$(dirname "$tf")/install.log"
chose "$tf (v$version, just installed: $how)"
echo "$tf"
