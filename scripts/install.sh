#!/usr/bin/env bash
# make install: builds the provider with a release version (scripts/version.sh)
# and puts it where Terraform and OpenTofu look without any CLI config, the
# implied local mirror ~/.terraform.d/plugins, under both registries' names:
#   ~/.terraform.d/plugins/registry.terraform.io/vodprovider/vod/VERSION/OS_ARCH/terraform-provider-vod_vVERSION
#   ~/.terraform.d/plugins/registry.opentofu.org/vodprovider/vod/VERSION/OS_ARCH/terraform-provider-vod_vVERSION
# Then source = "vodprovider/vod" resolves to it at terraform init (or tofu init).
#
# make uninstall (install.sh --uninstall) removes every installed version, or
# only VERSION when it is set. PLUGINS_DIR=... installs elsewhere (the demo
# installs under .demo/ and points a filesystem_mirror at it).
set -euo pipefail
cd "$(dirname "$0")/.."
plugins="${PLUGINS_DIR:-$HOME/.terraform.d/plugins}"
hosts=(registry.terraform.io registry.opentofu.org)

if [[ "${1:-}" == --uninstall ]]; then
  removed=0
  for host in "${hosts[@]}"; do
    dir="$plugins/$host/vodprovider/vod${VERSION:+/$VERSION}"
    if [[ -e "$dir" ]]; then
      rm -rf "$dir"
      echo "removed $dir"
      removed=1
    fi
    # Leave no empty folders behind, and nothing else of the user's.
    rmdir "$plugins/$host/vodprovider/vod" "$plugins/$host/vodprovider" "$plugins/$host" 2>/dev/null || true
  done
  [[ "$removed" == 1 ]] || echo "nothing to remove: no vodprovider/vod${VERSION:+ $VERSION} under $plugins"
  exit 0
fi

version="$(scripts/version.sh)"
platform="$(go env GOOS)_$(go env GOARCH)"
binary="terraform-provider-vod_v$version"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
echo "==> Building terraform-provider-vod $version for $platform"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$build/$binary" .
for host in "${hosts[@]}"; do
  dir="$plugins/$host/vodprovider/vod/$version/$platform"
  mkdir -p "$dir"
  # Into a temporary name, then renamed: a terraform running meanwhile never
  # sees half a binary.
  cp "$build/$binary" "$dir/.$binary.new"
  chmod 0755 "$dir/.$binary.new"
  mv -f "$dir/.$binary.new" "$dir/$binary"
  echo "    installed $dir/$binary"
done
cat <<EOF
==> Use it with source = "vodprovider/vod" (version = "~> ${version%.*}" to pin it), then terraform init.
    A folder initialised with an earlier build of $version has that build's checksum in its
    .terraform.lock.hcl, and init fails there (-upgrade too): delete the file's
    "registry.terraform.io/vodprovider/vod" block and run terraform init again.
    Remove the provider with make uninstall.
EOF
