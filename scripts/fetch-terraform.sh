#!/usr/bin/env bash
# Installs the official Terraform release, checked against HashiCorp's
# signature, from releases.hashicorp.com:
#   scripts/fetch-terraform.sh VERSION OUTPUT_DIR
# Fails within seconds where that site cannot be reached (see
# scripts/terraform-release); terraform-path.sh then builds from source.
set -euo pipefail
version="${1:?usage: fetch-terraform.sh VERSION OUTPUT_DIR}"
out="${2:?usage: fetch-terraform.sh VERSION OUTPUT_DIR}"
out="$(mkdir -p "$out" && cd "$out" && pwd)"
cd "$(dirname "$0")/.."
go run ./scripts/terraform-release -version "$version" -dir "$out"
