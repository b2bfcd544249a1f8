#!/usr/bin/env bash
# Prints the absolute path of the Terraform CLI that the tests, the demo and
# the docs use, and says on stderr, in one line, which one it chose and why.
# In order:
#   1. TERRAFORM=/path/to/terraform, when set (any version);
#   2. TERRAFORM_VERSION=X.Y.Z, when set: that release, built once into the cache;
#   3. a terraform on PATH of at least TERRAFORM_MIN_VERSION (default 1.14.0,
#      the first with actions);
#   4. the cached build of the default release (1.16.3);
#   5. otherwise it builds that release from the Go module proxy into
#      ~/.cache/terraform-provider-vod/ (a few minutes, once per machine).
# It never replaces a terraform you already have.
set -euo pipefail
export CHECKPOINT_DISABLE=1
caller="$(pwd)"
# shellcheck source=scripts/cli-path-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cli-path-lib.sh"
cd "$(dirname "$0")/.."
default_version=1.16.3
min_version="${TERRAFORM_MIN_VERSION:-1.14.0}"
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
  chose "$tf (v$version, cached build${skipped:-})"
else
  echo "Building Terraform CLI v$version into $(dirname "$tf") from the Go module proxy (2 to 6 minutes, once per machine)${skipped:-}..." >&2
  # Each build has a folder of its own, so two first builds at once (two
  # test runs, say) cannot write into each other's; the finished binary then
  # takes its final name in one rename, which replaces the other's atomically.
  mkdir -p "$cache"
  partial="$(mktemp -d "$cache/.terraform-v$version.XXXXXX")"
  trap 'rm -rf "$partial"' EXIT
  scripts/build-terraform.sh "$version" "$partial" >&2
  mkdir -p "$(dirname "$tf")"
  mv -f "$partial/terraform" "$tf"
  chose "$tf (v$version, just built)"
fi
echo "$tf"
