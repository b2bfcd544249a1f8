# Shared by terraform-path.sh and tofu-path.sh (sourced, not run): how they
# read a CLI's version and resolve a CLI named by an environment variable.
# Needs $caller, the directory the command was started in.

# version_of CLI prints CLI's version, or nothing for a CLI that fails
# (its warnings, such as a missing TF_CLI_CONFIG_FILE, are dropped).
version_of() {
  { "$1" version -json 2>/dev/null || true; } | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}

# at_least HAVE WANT succeeds when version HAVE is WANT or newer.
at_least() {
  [[ -n "$1" && "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# resolve_executable VAR VALUE prints the absolute path of VALUE, a command
# name or a path relative to where the command was started, or fails
# saying that VAR=VALUE is not an executable file.
resolve_executable() {
  local path
  path="$(cd "$caller" && command -v "$2")" || path=""
  if [[ -n "$path" && "$path" != /* ]]; then
    [[ "$path" == */* ]] || path="./$path"
    path="$(cd "$caller" && cd "${path%/*}" && pwd)/${path##*/}" || path=""
  fi
  [[ -n "$path" && -f "$path" && -x "$path" ]] || { echo "$1=$2 is not an executable file" >&2; return 1; }
  echo "$path"
}
