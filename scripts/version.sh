#!/usr/bin/env bash
# Prints the provider version that make install and make mirror build:
# VERSION when set, else the newest version heading of CHANGELOG.md
# ("## 0.1.0 (Unreleased)" gives 0.1.0). Terraform needs a plain semantic
# version in the plugin path, so anything else is an error.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${VERSION:-$(sed -n 's/^## \([0-9][^ ]*\).*/\1/p' CHANGELOG.md | sed -n 1p)}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  from=CHANGELOG.md
  [[ -z "${VERSION:-}" ]] || from=VERSION
  echo "version \"$version\" (from $from) is not a semantic version such as 0.1.0" >&2
  exit 1
fi
echo "$version"
