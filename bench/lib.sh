# Helpers for bench/run.sh: building, the emulator, Terraform configurations
# and timing. Sourced, not run.

now_ms() { date +%s%3N; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ratio a b: a/b with two decimals, or "-" when either is missing
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

# le a b: prints yes when a <= b
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && a + 0 <= b + 0) ? "yes" : "NO" }'; }

rows=()
# row case ours reference ratio goal met
row() { rows+=("$(printf '%s\t' "$@")"); }

print_table() {
  printf '%-44s %14s %14s %7s %-22s %s\n' case ours reference ratio goal met
  for r in "${rows[@]}"; do
    IFS=$'\t' read -r c o ref rat g m <<<"$r"
    printf '%-44s %14s %14s %7s %-22s %s\n' "$c" "$o" "$ref" "$rat" "$g" "$m"
  done
}

# make_rc file vod_dir floor_dir: a CLI config that takes both providers from
# local folders (dev_overrides: no terraform init, no registry).
make_rc() {
  cat >"$1" <<RC
provider_installation {
  dev_overrides {
    "vodprovider/vod" = "$2"
    "bench/floor"     = "$3"
  }
  direct {}
}
RC
}

task_id() { printf '%032x' "$1"; }

# seed_file path n [status]: n tasks of two URLs each; with status "" the URLs
# progress with the emulator's processing time.
seed_file() {
  local status_field=""
  [[ -n "${3-}" ]] && status_field=", \"status\": \"$3\""
  {
    echo '{"tasks": ['
    for ((i = 1; i <= $2; i++)); do
      ((i > 1)) && echo ','
      printf '{"task_id": "%s", "urls": [{"url": "https://cdn.example.com/%d/a.mp4"%s}, {"url": "https://cdn.example.com/%d/b.mp4"%s}]}' \
        "$(task_id "$i")" "$i" "$status_field" "$i" "$status_field"
    done
    echo ']}'
  } >"$1"
}

# vod_config dir n [data source arguments]: n data sources, one task each.
vod_config() {
  mkdir -p "$1"
  {
    echo 'terraform {'
    echo '  required_providers {'
    echo '    vod = { source = "vodprovider/vod" }'
    echo '  }'
    echo '}'
    echo 'provider "vod" {}'
    echo "data \"vod_preheating_result\" \"t\" {"
    echo "  count   = $2"
    echo "  task_id = format(\"%032x\", count.index + 1)"
    echo "  ${3-}"
    echo '}'
  } >"$1/main.tf"
}

# floor_config dir n: the same with the floor provider.
floor_config() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    floor = { source = "bench/floor" }
  }
}
data "floor_preheating_result" "t" {
  count   = $2
  task_id = format("%032x", count.index + 1)
}
TF
}

# plan dir rc log: one terraform plan; prints its wall time in ms; returns
# its exit status.
plan() {
  local start status=0
  start=$(now_ms)
  (cd "$1" && TF_CLI_CONFIG_FILE="$2" "$terraform" plan -input=false -lock=false -no-color >"$3" 2>&1) || status=$?
  echo $(($(now_ms) - start))
  return $status
}

# start_emulator log flags...: starts the emulator on a free loopback port
# and exports HW_VOD_ENDPOINT. It reads the emulator's listening line from
# a pipe (no polling); the emulator stays this shell's child, so that
# stop_emulator can wait for its closing line.
start_emulator() {
  local log="$1" line
  shift
  exec {emulator_out}< <(exec "$work/bin/vod-emulator" --listen 127.0.0.1:0 "$@" 2>"$log")
  emulator_pid=$!
  read -r line <&"$emulator_out" || { cat "$log" >&2; return 1; }
  HW_VOD_ENDPOINT="${line#listening on }"
  export HW_VOD_ENDPOINT
}

# stop_emulator: stops it and sets served, refused and connections from its
# closing line.
stop_emulator() {
  kill -TERM "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
  exec {emulator_out}<&-
  emulator_pid=""
  read -r served refused connections < <(sed -n 's/.*served \([0-9]*\) requests, \([0-9]*\) refused over the quota, on \([0-9]*\) connections.*/\1 \2 \3/p' "$1")
}

# log_time line: the epoch seconds of an emulator log line.
log_time() { date -d "$(awk '{print $2, $3}' <<<"$1")" +%s.%N; }
