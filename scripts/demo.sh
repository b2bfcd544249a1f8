#!/usr/bin/env bash
# make demo: build the provider, start the VOD emulator on loopback, install
# the provider as make install does but under .demo/plugins, terraform init
# and apply examples/demo through a CLI config whose filesystem_mirror is that
# folder (no dev_overrides, so no warning about them), print the results,
# stop the emulator. Everything it writes goes under .demo/. What go prints
# while downloading modules goes to .demo/build.log, not the screen; when the
# output is not a terminal (CI, a pipe), Terraform's colour codes are off.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="$root/.demo"
export CHECKPOINT_DISABLE=1

terraform="$(scripts/terraform-path.sh)"
rm -rf "$work" && mkdir -p "$work/config"
color=() # expanded as ${color[@]+...}: macOS bash 3.2 calls an empty array unbound
[[ -t 1 ]] || color=(-no-color)

build_log="$work/build.log"
echo "==> Building the provider and the emulator (the first run downloads Go modules; log: $build_log)"
build() { # build COMMAND...: its output to the log, shown only if it fails
  "$@" >>"$build_log" 2>&1 || { tail -n 40 "$build_log" >&2; echo "failed: $*; the whole log: $build_log" >&2; exit 1; }
}
build env PLUGINS_DIR="$work/plugins" scripts/install.sh
sed -n 's/^ *installed /    installed /p' "$build_log"
# The same flags as install.sh's build, so that the packages both use (the
# standard library above all) are compiled once, not twice, on a first run.
build env CGO_ENABLED=0 go build -trimpath -o "$work/vod-emulator" ./cmd/vod-emulator

# Demo credentials, known only to this emulator.
export HW_ACCESS_KEY=DEMOACCESSKEY HW_SECRET_KEY=DEMOSECRETKEY HW_PROJECT_ID=0123456789abcdef0123456789abcdef

echo "==> Starting the emulator on 127.0.0.1 (a task takes 6s, its URLs ending one by one; seeded from examples/demo/tasks.json)"
# It reads the credentials from the environment, so no key shows in ps; it
# returns once it listens, having written its address to emulator.env.
emulator_pid="$("$work/vod-emulator" --detach --listen 127.0.0.1:0 --processing-time 6s --seed examples/demo/tasks.json \
  --env-file "$work/emulator.env" --log-file "$work/emulator.log")"
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
. "$work/emulator.env"
echo "    emulator: $HW_VOD_ENDPOINT"

cat >"$work/config/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/plugins"
    include = ["registry.terraform.io/vodprovider/vod"]
  }
  direct {
    exclude = ["registry.terraform.io/vodprovider/vod"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/config/terraformrc"
cp examples/demo/main.tf "$work/"
# Actions need Terraform 1.14 or newer; an older CLI runs the rest of the demo.
action=""
version="$("$terraform" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
if [[ "$(printf '%s\n' "$version" 1.14.0 | sort -V | head -n1)" == 1.14.0 ]]; then
  cp examples/demo/action.tf "$work/"
  action="; runs the action and shows its progress"
  echo "==> Terraform $version has actions: the demo also runs the vod_preheat action"
else
  echo "==> Terraform $version has no actions (1.14+): the vod_preheat action is left out; TERRAFORM_VERSION=1.16.3 make demo runs it"
fi

cd "$work"
echo "==> terraform init (installs vodprovider/vod from $work/plugins, writes .terraform.lock.hcl)"
init_out="$("$terraform" init -input=false ${color[@]+"${color[@]}"} 2>&1)" || { echo "$init_out" >&2; exit 1; }
grep -E 'Installed' <<<"$init_out" || true
[[ -f .terraform.lock.hcl ]] || { echo "terraform init wrote no lock file" >&2; exit 1; }
echo "==> terraform apply (creates a preheat and waits; reads two seeded tasks$action)"
"$terraform" apply -auto-approve -input=false ${color[@]+"${color[@]}"}

echo "==> The emulator answered $(grep -c ' -> ' "$work/emulator.log") requests; its log is $work/emulator.log"
