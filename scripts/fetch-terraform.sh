#!/usr/bin/env bash
# Installs the official Terraform release, checked against HashiCorp's
# signature, from releases.hashicorp.com (scripts/terraform-release, which
# uses hashicorp/hc-install):
#   scripts/fetch-terraform.sh VERSION OUTPUT_DIR
# Where that site cannot be reached it fails within seconds, and
# terraform-path.sh builds from source instead. The probe comes first, with
# curl when there is one: compiling terraform-release on empty Go caches
# takes half a minute of CPU, minutes on a busy machine, for nothing.
set -euo pipefail
version="${1:?usage: fetch-terraform.sh VERSION OUTPUT_DIR}"
out="${2:?usage: fetch-terraform.sh VERSION OUTPUT_DIR}"
out="$(mkdir -p "$out" && cd "$out" && pwd)"
cd "$(dirname "$0")/.."
site=https://releases.hashicorp.com
if command -v curl >/dev/null; then
  if ! answer="$(curl -sSf -m 5 -o /dev/null "$site/terraform/$version/index.json" 2>&1)"; then
    echo "terraform-release: $site not reachable within 5s: $answer" >&2
    exit 1
  fi
fi
# Built, then run: go run would end the log with its own "exit status 1".
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/terraform-release" ./scripts/terraform-release
"$bin/terraform-release" -version "$version" -dir "$out"
