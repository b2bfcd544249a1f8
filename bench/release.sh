# Release-scale cases of bench/run.sh (issue 13), sourced after bench/lib.sh:
# the emulator with Huawei's per-minute windows (--huawei-quota), each case
# with this provider ("ours") and, where it takes no longer than the case
# itself, the provider built from TODAY_REV ("today").
# Sourced, not run; uses run.sh's $work, $terraform, row and the emulator
# helpers.

# requests_in log: the requests an emulator log has recorded so far.
requests_in() { grep -c ' -> ' "$1" || true; }

# apply dir rc log: one terraform apply; prints its wall time in ms.
apply() {
  local start status=0
  start=$(now_ms)
  (cd "$1" && TF_CLI_CONFIG_FILE="$2" "$terraform" apply -auto-approve -input=false -lock=false -no-color >"$3" 2>&1) || status=$?
  echo $(($(now_ms) - start))
  return $status
}

# creates_config dir n: n vod_preheating_task, one asset each (for_each).
creates_config() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    vod = { source = "vodprovider/vod" }
  }
}
provider "vod" {}
resource "vod_preheating_task" "t" {
  for_each = toset([for i in range($2) : format("asset-%02d", i)])
  asset_id = each.key
}
TF
}

secs() { awk -v ms="$1" 'BEGIN {printf "%.1f", ms / 1000}'; }

# creates_case who: 30 creates at 10 a minute, tasks ending 20 s after their
# create; then a plan of the finished state, counting its requests.
creates_case() {
  local who="$1" dir="$work/cfg/creates-$1" log="$work/emulator-creates-$1.log" wall status=0 before after
  rm -rf "$dir" && creates_config "$dir" 30
  start_emulator "$log" --huawei-quota --processing-time 20s
  wall=$(apply "$dir" "$work/$who.rc" "$work/apply-creates-$who.log") || status=$?
  wall=$(secs "$wall")
  before=$(requests_in "$log")
  plan "$dir" "$work/$who.rc" "$work/plan-finished-$who.log" >/dev/null || true
  after=$(requests_in "$log")
  stop_emulator "$log"
  echo "    30 creates, $who: exit $status, ${wall}s, $refused of $served answers were 429; the plan after it sent $((after - before)) requests" >&2
  local ok=ok
  ((status == 0)) || ok=failed
  local goal="ratio <= 1.10" met
  met=$(le "$(ratio "$wall" 140)" 1.10)
  [[ $ok == ok ]] || met=NO
  if [[ $who == ours ]]; then
    row "30 creates at 10/min, tasks of 20s: wall (s)" "$wall ($ok)" "140 (floor)" "$(ratio "$wall" 140)" "$goal" "$met"
    row "30 creates: answers of 429" "$refused" "-" "-" "-" "-"
    row "plan of the 30 finished tasks: requests" "$((after - before))" "0 (goal)" "-" "0" "$( ((after - before == 0)) && echo yes || echo NO)"
  else
    row "30 creates, today's client: wall (s)" "$wall ($ok)" "140 (floor)" "$(ratio "$wall" 140)" "-" "-"
    row "plan of 30 finished tasks, today's: requests" "$((after - before))" "0 (goal)" "-" "-" "-"
  fi
}

# pipelines_case who [gap]: 3 plans, 40 data sources each, at 100 queries a
# minute, started together or gap seconds apart. Floor: one window (100
# reads in the first, 20 when it frees at 60 s), from the first start to the
# last end.
pipelines_case() {
  local who="$1" gap="${2:-0}" i pids=() span=0 failed=0 walls=() starts=() t0 log
  log="$work/emulator-pipelines-$who-$gap.log"
  for i in 1 2 3; do vod_config "$work/cfg/pipeline$i" 40; done
  start_emulator "$log" --seed "$work/seed.json" --processing-time 0s --huawei-quota
  t0=$(now_ms)
  for i in 1 2 3; do
    ((i > 1 && gap > 0)) && sleep "$gap"
    starts+=("$(($(now_ms) - t0))")
    (plan "$work/cfg/pipeline$i" "$work/$who.rc" "$work/plan-pipeline$i-$who.log" >"$work/pipeline$i-$who.ms" || echo failed >"$work/pipeline$i-$who.status") &
    pids+=($!)
  done
  wait "${pids[@]}"
  stop_emulator "$log"
  for i in 1 2 3; do
    local ms
    ms=$(cat "$work/pipeline$i-$who.ms")
    walls+=("$(secs "$ms")")
    ((starts[i - 1] + ms > span)) && span=$((starts[i - 1] + ms))
    [[ -e "$work/pipeline$i-$who.status" ]] && failed=$((failed + 1))
    rm -f "$work/pipeline$i-$who.status"
  done
  span=$(secs "$span")
  local label="3 plans x 40 reads at 100/min" ok="all ok"
  ((gap > 0)) && label="3 plans x 40 reads, ${gap}s apart"
  echo "    $label, $who: ${walls[*]} s each, ${span}s first start to last end, $failed failed, $refused of $served answers were 429" >&2
  ((failed == 0)) || ok="$failed failed"
  if [[ $who == ours ]]; then
    local met
    met=$(le "$(ratio "$span" 60)" 1.10)
    ((failed == 0)) || met=NO
    row "$label: span (s)" "$span ($ok)" "60 (floor)" "$(ratio "$span" 60)" "ratio <= 1.10" "$met"
    row "$label: answers of 429" "$refused" "-" "-" "-" "-"
  else
    row "$label, today's client (s)" "$span ($ok)" "60 (floor)" "$(ratio "$span" 60)" "-" "-"
  fi
}

# outage_case who: a wait (timeouts.read 5m) for a task that ends 60 s after
# it was seeded, through 40 s of 503s from 10 s after the first query.
outage_case() {
  local who="$1" log="$work/emulator-outage-$1.log" wall status=0 outage_pid endpoint
  seed_file "$work/seed-outage.json" 1
  vod_config "$work/cfg/outage" 1 'wait_for_completion = true
  timeouts = { read = "5m" }'
  start_emulator "$log" --seed "$work/seed-outage.json" --processing-time 60s
  endpoint=$HW_VOD_ENDPOINT
  # Its listening line is read from a pipe, as start_emulator does.
  local outage_out line
  exec {outage_out}< <(exec "$work/bin/outage" --target "$endpoint" --after 10s --for 40s 2>"$work/outage-$who.log")
  outage_pid=$!
  read -r line <&"$outage_out" || { cat "$work/outage-$who.log" >&2; return 1; }
  HW_VOD_ENDPOINT="${line#listening on }"
  wall=$(plan "$work/cfg/outage" "$work/$who.rc" "$work/plan-outage-$who.log") || status=$?
  kill -TERM "$outage_pid" 2>/dev/null || true
  wait "$outage_pid" 2>/dev/null || true
  exec {outage_out}<&-
  stop_emulator "$log"
  wall=$(secs "$wall")
  local ok=ok
  ((status == 0)) || ok=failed
  echo "    wait through a 40 s outage, $who: $ok after ${wall}s ($(tail -1 "$work/outage-$who.log"))" >&2
  if [[ $who == ours ]]; then
    row "wait through 40s of 503s (task of 60s): result" "$ok" "-" "-" "succeeds" "$([[ $ok == ok ]] && echo yes || echo NO)"
    row "wait through the outage: wall (s)" "$wall" "60 (task)" "$(ratio "$wall" 60)" "-" "-"
  else
    row "wait through the outage, today's client" "$ok after ${wall}s" "-" "-" "-" "-"
  fi
}

# batch_case: one batch of 200 URLs + 10 assets (30 tasks of 20 s) through
# the flow vod_preheating_batch and the action run, against the emulator at
# 10 creates and 100 queries a minute (BenchmarkPreheatBatch, real time).
# Floor 140 s: two full create windows plus one task's duration.
batch_case() {
  local out wall ratio creates queries
  out="$(go test ./internal/vod -run '^$' -bench BenchmarkPreheatBatch -benchtime 1x -timeout 10m 2>&1)" || {
    row "batch of 200 URLs + 10 assets: wall (s)" "failed" "140 (floor)" "-" "ratio <= 1.10" "NO"
    printf '%s\n' "$out" | tail -20 >&2
    return 0
  }
  metric() { printf '%s\n' "$out" | awk -v name="$1" '/^BenchmarkPreheatBatch/ {for (i = 2; i <= NF; i++) if ($i == name) print $(i-1)}'; }
  wall="$(metric wall-s)" ratio="$(metric x-floor)" creates="$(metric creates)" queries="$(metric queries)"
  echo "    batch of 200 URLs + 10 assets: ${wall}s, ${creates} creates, ${queries} queries" >&2
  row "batch of 200 URLs + 10 assets: wall (s)" "$wall (ok)" "140 (floor)" "$ratio" "ratio <= 1.10" "$(le "$ratio" 1.10)"
  row "batch: creates / queries sent" "$creates / $queries" "-" "-" "-" "-"
}

# refresh_first_case: the same batch with refresh first, against the
# emulator at Huawei's quotas (100 refreshes a minute besides the preheat
# windows; BenchmarkRefreshFirstBatch, real time). Floor 160 s: one refresh
# task, two full preheat create windows, one preheat task.
refresh_first_case() {
  local out wall ratio
  out="$(go test ./internal/vod -run '^$' -bench BenchmarkRefreshFirstBatch -benchtime 1x -timeout 10m 2>&1)" || {
    row "batch of 200 URLs + 10 assets, refresh first: wall (s)" "failed" "160 (floor)" "-" "ratio <= 1.15" "NO"
    printf '%s\n' "$out" | tail -20 >&2
    return 0
  }
  metric() { printf '%s\n' "$out" | awk -v name="$1" '/^BenchmarkRefreshFirstBatch/ {for (i = 2; i <= NF; i++) if ($i == name) print $(i-1)}'; }
  wall="$(metric wall-s)" ratio="$(metric x-floor)"
  echo "    batch with refresh first: ${wall}s, $(metric refresh-creates) refresh creates, $(metric creates) preheat creates" >&2
  row "batch of 200 URLs + 10 assets, refresh first: wall (s)" "$wall (ok)" "160 (floor)" "$ratio" "ratio <= 1.15" "$(le "$ratio" 1.15)"
}

# release_cases: the cases named in RELEASE_CASES (default all five);
# today's client for the 30 creates only with TODAY_CREATES=1 (it takes
# about 340 s).
release_cases() {
  local cases=" ${RELEASE_CASES:-creates pipelines outage batch refresh-first} "
  echo "==> Release scale: Huawei's windows (--huawei-quota): 30 creates, a plan of them, 3 pipelines, a wait through an outage" >&2
  seed_file "$work/seed.json" 500 succeed
  if [[ $cases == *" creates "* ]]; then
    creates_case ours
    [[ -n "$have_today" && -n "${TODAY_CREATES-}" ]] && creates_case today
  fi
  if [[ $cases == *" pipelines "* ]]; then
    pipelines_case ours
    [[ -n "$have_today" ]] && pipelines_case today
    pipelines_case ours 10
    [[ -n "$have_today" ]] && pipelines_case today 10
  fi
  if [[ $cases == *" outage "* ]]; then
    outage_case ours
    [[ -n "$have_today" ]] && outage_case today
  fi
  [[ $cases == *" batch "* ]] && batch_case
  [[ $cases == *" refresh-first "* ]] && refresh_first_case
  return 0
}
