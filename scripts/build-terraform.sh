#!/usr/bin/env bash
# Builds the Terraform CLI from its source on the Go module proxy:
#   scripts/build-terraform.sh VERSION OUTPUT_DIR
#
# Terraform 1.6 and newer cannot be "go install"ed: their go.mod replaces
# nested modules (the remote-state backends and internal/legacy) with local
# folders that the module proxy's zip leaves out. So this builds the
# downloaded source as the main module, after taking those backends out of
# the backend table and their require/replace lines out of go.mod.
#
# What the result lacks: the azurerm, consul, cos, gcs, kubernetes, oci, oss,
# pg and s3 state backends. Local state, the http and inmem backends and HCP
# Terraform ("cloud") remain; that is all the tests and the demo need.
# Older versions (1.5.x) still build with plain go install.
set -euo pipefail
version="${1:?usage: build-terraform.sh VERSION OUTPUT_DIR}"
out="${2:?usage: build-terraform.sh VERSION OUTPUT_DIR}"
mkdir -p "$out"
export CGO_ENABLED=0

major_minor="${version%.*}"
if [[ "$(printf '%s\n' "$major_minor" 1.6 | sort -V | head -n1)" != 1.6 ]]; then
  GOBIN="$(cd "$out" && pwd)" go install "github.com/hashicorp/terraform@v$version"
  exit 0
fi

# Portable sed only (the README promises macOS): no -i, no \t or \s.
edit() { # edit FILE SED-ARGUMENTS...: sed in place, as GNU's -i and BSD's -i '' would
  local file="$1"
  shift
  sed "$@" "$file" >"$file.edited"
  mv "$file.edited" "$file"
}

src="$(go mod download -json "github.com/hashicorp/terraform@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$src" ]] || { echo "could not download github.com/hashicorp/terraform@v$version" >&2; exit 1; }
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
cd "$work"

# The nested modules are exactly the targets of go.mod's local replaces.
nested=$(sed -n 's|^replace \(github.com/hashicorp/terraform/[^ ]*\) => \./.*|\1|p' go.mod)
for module in $nested; do
  # Drop its replace and require lines, and its import and table entry.
  edit go.mod -e "\|^replace $module =>|d" -e "\|^[[:space:]]*$module v|d"
  alias=$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\) \"$module\"\$|\1|p" internal/backend/init/init.go)
  if [[ -n "$alias" ]]; then
    edit internal/backend/init/init.go -e "\|\"$module\"\$|d" -e "\|$alias\.New()|d"
  fi
done
# Nothing outside the nested modules may still import them.
if grep -rlE --include='*.go' --exclude='*_test.go' -e '"github.com/hashicorp/terraform/internal/backend/remote-state/(azure|consul|cos|gcs|kubernetes|oss|pg|s3|oci)"' -e '"github.com/hashicorp/terraform/internal/legacy' internal/backend/init main.go commands.go 2>/dev/null; then
  echo "build-terraform.sh: a nested module is still imported; the recipe needs updating for v$version" >&2
  exit 1
fi

# version.dev=no makes "terraform version" report the release, not "-dev".
GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
  -o "$out/terraform" .
# sed, not head: head may exit before terraform has written, and pipefail
# would turn that SIGPIPE into a failed build.
"$out/terraform" version | sed -n 1p >&2
