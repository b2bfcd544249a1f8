#!/usr/bin/env bash
# Prints the absolute path of the OpenTofu CLI that the install tests use
# (make testacc-opentofu), and says on stderr, in one line, which one it chose.
# In order:
#   1. TOFU=/path/to/tofu, when set (any version);
#   2. TOFU_VERSION=X.Y.Z, when set: that release, built once into the cache;
#   3. a tofu on PATH of at least TOFU_MIN_VERSION (default 1.10.0);
#   4. the cached build of the default release;
#   5. otherwise it builds that release from the Go module proxy into
#      ~/.cache/terraform-provider-vod/ (a few minutes, once per machine).
#
# OpenTofu cannot be "go install"ed: its go.mod replaces hashicorp/hcl/v2 with
# OpenTofu's fork, and go install refuses a module with replace directives.
# So this builds the downloaded source as the main module, which honours it.
set -euo pipefail
export CHECKPOINT_DISABLE=1
caller="$(pwd)"
# shellcheck source=scripts/cli-path-lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cli-path-lib.sh"
default_version=1.10.10
min_version="${TOFU_MIN_VERSION:-1.10.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-vod"

chose() { echo "OpenTofu CLI: $1" >&2; }

if [[ -n "${TOFU:-}" ]]; then
  tofu="$(resolve_executable TOFU "$TOFU")" || exit 1
  chose "$tofu (v$(version_of "$tofu"), from TOFU)"
  echo "$tofu"
  exit 0
fi

version="${TOFU_VERSION:-}"
if [[ -z "$version" ]]; then
  if found="$(command -v tofu)"; then
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

tofu="$cache/tofu-v$version/tofu"
if [[ -x "$tofu" ]]; then
  chose "$tofu (v$version, cached build${skipped:-})"
  echo "$tofu"
  exit 0
fi

echo "Building OpenTofu CLI v$version into $(dirname "$tofu") from the Go module proxy (3 to 10 minutes, once per machine)${skipped:-}..." >&2
src="$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$src" ]] || { echo "could not download github.com/opentofu/opentofu@v$version" >&2; exit 1; }
mkdir -p "$cache"
# A folder of its own, renamed into place when complete: two first builds at
# once cannot leave a half-written tofu where the other looks for it.
partial="$(mktemp -d "$cache/.tofu-v$version.XXXXXX")"
chmod 755 "$partial" # mktemp -d makes it private
trap 'rm -rf "$partial"' EXIT
# The module cache is read-only; go build writes only to -o. version.dev=no
# makes "tofu version" report the release, not "-dev".
(cd "$src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$partial/tofu" ./cmd/tofu) >&2
built="$(version_of "$partial/tofu")"
[[ "$built" == "$version" ]] || { echo "the built tofu reports v${built:-unknown}, not v$version" >&2; exit 1; }
# Another build may have finished first; either result is the same release.
[[ -x "$tofu" ]] || mv "$partial" "$(dirname "$tofu")"
chose "$tofu (v$version, just built)"
echo "$tofu"
