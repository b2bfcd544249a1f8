#!/usr/bin/env bash
# make bench: measures the provider next to its references and prints one
# table (case, ours, reference, ratio, goal, met). BENCHMARKS.md records a
# run and what bounds each figure. About 5 minutes on 2 cores.
#
#   bench/run.sh                    # everything
#   RUNS=7 bench/run.sh             # more plan runs per case (default 5)
#   SKIP_QUOTA=1 SKIP_WAIT=1 bench/run.sh   # leave out the slow real-time cases
#   BASELINE_REV=<commit> bench/run.sh      # "without limiter" = this commit (default: before issue 6)
#   TODAY_REV=<commit> bench/run.sh         # "today's client" = this commit (default: before the budgets)
#   SKIP_RELEASE=1 bench/run.sh             # leave out the release-scale cases (about 8 minutes)
#   ONLY_RELEASE=1 bench/run.sh             # only those
#   RELEASE_CASES="creates pipelines" bench/run.sh   # some of them (default: creates pipelines outage batch refresh-first)
#   TODAY_CREATES=1 bench/run.sh            # also today's client for the 30 creates (about 6 minutes more)
#
# References: "floor" is bench/floor, a framework provider returning
# constants; "baseline" is the provider built from BASELINE_REV, before the
# adaptive pace and the wait schedule existed.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source bench/lib.sh
source bench/release.sh
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
runs="${RUNS:-5}"
baseline_rev="${BASELINE_REV:-afb6cba}"
today_rev="${TODAY_REV:-d6c49e0}"
work="${BENCH_WORK:-${TMPDIR:-/tmp}/terraform-provider-vod-bench}"
terraform="$(scripts/terraform-path.sh)"
rm -rf "$work" && mkdir -p "$work/bin" "$work/ours" "$work/floor" "$work/floor-quiet" "$work/baseline" "$work/today" "$work/rss/ours" "$work/rss/floor"
emulator_pid=""
trap '[[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null; true' EXIT
export HW_ACCESS_KEY=BENCHACCESSKEY HW_SECRET_KEY=BENCHSECRETKEY HW_PROJECT_ID=0123456789abcdef0123456789abcdef
started=$(now_ms)

echo "==> Building the provider, the floor provider, the emulator and the baseline ($baseline_rev)" >&2
go build -o "$work/ours/terraform-provider-vod" .
go build -o "$work/floor/terraform-provider-floor" ./bench/floor
go build -o "$work/bin/vod-emulator" ./cmd/vod-emulator
go build -o "$work/bin/outage" ./bench/outage
# build_rev rev dir: builds the provider of commit rev into dir.
build_rev() {
  git rev-parse -q --verify "$1^{commit}" >/dev/null || return 1
  mkdir -p "$2-src"
  git archive "$1" | tar -x -C "$2-src"
  (cd "$2-src" && go build -o "$2/terraform-provider-vod" .)
}
have_baseline="" have_today=""
if [[ -z "${ONLY_RELEASE-}" ]]; then
  build_rev "$baseline_rev" "$work/baseline" && have_baseline=1 ||
    echo "    baseline $baseline_rev not in this clone: the without-limiter runs are left out" >&2
fi
if [[ -z "${SKIP_RELEASE-}" ]]; then
  build_rev "$today_rev" "$work/today" && have_today=1 ||
    echo "    $today_rev not in this clone: today's client is left out of the release-scale cases" >&2
fi
make_rc "$work/ours.rc" "$work/ours" "$work/floor"
# The like-for-like reference: the floor with its plugin logs at Terraform's
# level, as the provider sets its own (main.go, log_levels.go); TF_LOG is
# unset here, so that level is OFF.
printf '#!/bin/sh\nexport TF_LOG_SDK=OFF TF_LOG_PROVIDER_FLOOR=OFF\nexec %q "$@"\n' "$work/floor/terraform-provider-floor" >"$work/floor-quiet/terraform-provider-floor"
chmod +x "$work/floor-quiet/terraform-provider-floor"
make_rc "$work/quiet.rc" "$work/ours" "$work/floor-quiet"
make_rc "$work/baseline.rc" "$work/baseline" "$work/floor"
make_rc "$work/today.rc" "$work/today" "$work/floor"

if [[ -z "${ONLY_RELEASE-}" ]]; then
echo "==> Go benchmarks: 10,000-URL read; wait schedule on a simulated clock" >&2
go test -run '^$' -bench 'BenchmarkReadAndStore10kURLs|BenchmarkDefaultSchedule' -benchtime 3x -count 3 \
  ./internal/provider ./internal/vod >"$work/gobench.txt"
go test -run '^$' -bench 'BenchmarkPlanDataSource' -count 5 ./internal/provider >"$work/gobench-plan.txt"
go test -run '^$' -bench 'BenchmarkPlanDataSource' -count 5 ./bench/floor >"$work/gobench-plan-floor.txt"
read10k=$(median $(awk '/^BenchmarkReadAndStore10kURLs/ {print $3 / 1e6}' "$work/gobench.txt"))
cpu10k=$(median $(awk '/^BenchmarkReadAndStore10kURLs/ {for (i = 4; i < NF; i++) if ($(i + 1) == "cpu-ms/op") print $i}' "$work/gobench.txt"))
row "10,000-URL read+store: CPU ms (+emulator)" "$cpu10k" "500" "$(ratio "$cpu10k" 500)" "< 500 ms" "$(le "$cpu10k" 500)"
row "10,000-URL read+store: wall ms" "$read10k" "500" "$(ratio "$read10k" 500)" "(< 500 ms if idle)" "-"
per_ds=$(median $(awk '/^BenchmarkPlanDataSource/ {printf "%.0f\n", $3 / 1e3}' "$work/gobench-plan.txt"))
per_ds_floor=$(median $(awk '/^BenchmarkPlanDataSource/ {printf "%.0f\n", $3 / 1e3}' "$work/gobench-plan-floor.txt"))
row "1 data source in a plan, in-process (us)" "$per_ds" "$per_ds_floor (floor)" "$(ratio "$per_ds" "$per_ds_floor")" "- (query+emulator)" "-"
sched=$(grep -m1 '^BenchmarkDefaultSchedule' "$work/gobench.txt")
metric() { awk -v unit="$1" '{for (i = 2; i < NF; i++) if ($(i + 1) == unit) print $i}' <<<"$sched"; }
queries=$(metric queries) queries_fixed=$(metric queries-fixed5s) worst_lag=$(metric worst-lag-%goal)
row "wait, 5 tasks 10s-10m: queries (sim.)" "$queries" "$queries_fixed (5s)" "$(ratio "$queries" "$queries_fixed")" "ratio <= 0.50" "$(le "$(ratio "$queries" "$queries_fixed")" 0.5)"
row "wait: worst lag, % of max(2s,20%) (sim.)" "$worst_lag" "100" "$(ratio "$worst_lag" 100)" "<= 100" "$(le "$worst_lag" 100)"

echo "==> terraform plan, 1 and 500 data sources: ours (emulator) vs floor, $((2 * runs + 1)) and $runs runs each, alternated" >&2
seed_file "$work/seed.json" 500 succeed
for n in 1 500; do
  vod_config "$work/cfg/vod$n" "$n"
  floor_config "$work/cfg/floor$n" "$n"
  start_emulator "$work/emulator-plan$n.log" --seed "$work/seed.json" --processing-time 0s
  plan "$work/cfg/vod$n" "$work/ours.rc" "$work/warmup.log" >/dev/null # page cache, first run
  plan "$work/cfg/floor$n" "$work/ours.rc" "$work/warmup.log" >/dev/null
  ours_ms=() floor_ms=() quiet_ms=() n_runs=$runs
  ((n == 1)) && n_runs=$((2 * runs + 1)) # cheap, and noisier
  for ((r = 1; r <= n_runs; r++)); do
    ours_ms+=("$(plan "$work/cfg/vod$n" "$work/ours.rc" "$work/plan-vod$n.log")")
    floor_ms+=("$(plan "$work/cfg/floor$n" "$work/ours.rc" "$work/plan-floor$n.log")")
    quiet_ms+=("$(plan "$work/cfg/floor$n" "$work/quiet.rc" "$work/plan-floor-quiet$n.log")")
  done
  stop_emulator "$work/emulator-plan$n.log"
  o=$(median "${ours_ms[@]}") f=$(median "${floor_ms[@]}") q=$(median "${quiet_ms[@]}")
  echo "    $n: ours ${ours_ms[*]} ms; floor ${floor_ms[*]} ms; floor with logs at Terraform's level ${quiet_ms[*]} ms" >&2
  goal=1.10
  ((n > 1)) && goal=1.20
  row "plan, $n data source(s) (ms, median)" "$o" "$f (floor)" "$(ratio "$o" "$f")" "ratio <= $goal" "$(le "$(ratio "$o" "$f")" "$goal")"
  row "plan, $n ds: floor with logs as ours (ms)" "$o" "$q (floor)" "$(ratio "$o" "$q")" "-" "-"
  if ((n == 500)); then
    plan500_ms=$o
    per_plan=$(awk -v c="$connections" -v r="$((n_runs + 1))" 'BEGIN {printf "%.1f", c / r}')
    row "plan, 500 reads: connections opened" "$per_plan" "500 (1/read)" "$(ratio "$per_plan" 500)" "<= 10 (parallelism)" "$(le "$per_plan" 10)"
  fi
done

echo "==> Provider processes: CPU time, resident memory, binary size (3 plans each, 1 and 500 data sources)" >&2
size_ours=$(stat -c %s "$work/ours/terraform-provider-vod") size_floor=$(stat -c %s "$work/floor/terraform-provider-floor")
row "binary size (MB)" "$(awk -v b="$size_ours" 'BEGIN {printf "%.1f", b / 1e6}')" "$(awk -v b="$size_floor" 'BEGIN {printf "%.1f", b / 1e6}') (floor)" "$(ratio "$size_ours" "$size_floor")" "-" "-"
if [[ -x /usr/bin/time ]]; then
  # Each provider binary is wrapped in /usr/bin/time, which appends the
  # process's max RSS (KB), user and system CPU seconds to a file.
  for which in ours floor; do
    bin="$work/$which/terraform-provider-vod"
    [[ $which == floor ]] && bin="$work/floor/terraform-provider-floor"
    printf '#!/bin/sh\nexec /usr/bin/time -a -o "$PROVIDER_STATS" -f "%%M %%U %%S" %q "$@"\n' "$bin" >"$work/rss/$which/$(basename "$bin")"
    chmod +x "$work/rss/$which/$(basename "$bin")"
  done
  make_rc "$work/rss.rc" "$work/rss/ours" "$work/rss/floor"
  start_emulator "$work/emulator-rss.log" --seed "$work/seed.json" --processing-time 0s
  for n in 1 500; do
    for ((r = 1; r <= 3; r++)); do
      PROVIDER_STATS="$work/rss/ours$n.txt" plan "$work/cfg/vod$n" "$work/rss.rc" "$work/plan-rss-vod.log" >/dev/null
      PROVIDER_STATS="$work/rss/floor$n.txt" plan "$work/cfg/floor$n" "$work/rss.rc" "$work/plan-rss-floor.log" >/dev/null
    done
    cpu() { awk '{s += $2 + $3} END {printf "%.0f", 1000 * s / 3}' "$1"; }
    cpu_ours=$(cpu "$work/rss/ours$n.txt") cpu_floor=$(cpu "$work/rss/floor$n.txt")
    starts=$(($(wc -l <"$work/rss/ours$n.txt") / 3))
    row "provider CPU per plan, $n ds ($starts starts, ms)" "$cpu_ours" "$cpu_floor (floor)" "$(ratio "$cpu_ours" "$cpu_floor")" "-" "-"
    rss_ours=$(sort -n "$work/rss/ours$n.txt" | tail -1 | cut -d' ' -f1) rss_floor=$(sort -n "$work/rss/floor$n.txt" | tail -1 | cut -d' ' -f1)
    row "max RSS of a provider start, $n ds (MB)" "$((rss_ours / 1024))" "$((rss_floor / 1024)) (floor)" "$(ratio "$rss_ours" "$rss_floor")" "-" "-"
  done
  stop_emulator "$work/emulator-rss.log"
fi

if [[ -z "${SKIP_WAIT-}" ]]; then
  echo "==> A real 30 s wait through terraform plan (default schedule)" >&2
  seed_file "$work/seed-wait.json" 1
  vod_config "$work/cfg/wait" 1 'wait_for_completion = true'
  start_emulator "$work/emulator-wait.log" --seed "$work/seed-wait.json" --processing-time 31300ms
  plan "$work/cfg/wait" "$work/ours.rc" "$work/plan-wait.log" >/dev/null
  stop_emulator "$work/emulator-wait.log"
  t_seed=$(log_time "$(grep -m1 'seeded the tasks' "$work/emulator-wait.log")")
  t_first=$(log_time "$(grep -m1 'GET .* -> ' "$work/emulator-wait.log")")
  t_seen=$(log_time "$(grep 'GET .* -> ' "$work/emulator-wait.log" | tail -1)")
  read -r task lag lag_goal fixed_queries fixed_lag < <(awk -v s="$t_seed" -v f="$t_first" -v e="$t_seen" 'BEGIN {
    done = s + 31.3; t = done - f; lag = e - done; goal = (t / 5 > 2) ? t / 5 : 2
    k = int(t / 5); if (k * 5 < t) k++
    printf "%.1f %.2f %.1f %d %.2f\n", t, lag, goal, k + 1, k * 5 - t }')
  row "real wait, task done ${task}s after 1st query: lag (s)" "$lag" "$fixed_lag (5s)" "-" "<= $lag_goal" "$(le "$lag" "$lag_goal")"
  row "real wait: queries" "$served" "$fixed_queries (5s)" "$(ratio "$served" "$fixed_queries")" "-" "-"
fi
fi

# quota_case label reads rate: one plan of `reads` data sources against a quota
# of `rate` requests a second, with the adaptive pace and without (baseline).
quota_case() {
  local label="$1" reads="$2" rate="$3" floor_s wall status
  vod_config "$work/cfg/quota$reads" "$reads"
  floor_s=$(awk -v n="$reads" -v r="$rate" -v p="$plan500_ms" 'BEGIN {f = n / r; if (p / 1000 > f) f = p / 1000; printf "%.1f", f}')
  for who in ours baseline; do
    [[ $who == baseline && -z "$have_baseline" ]] && continue
    start_emulator "$work/emulator-quota$reads-$who.log" --seed "$work/seed.json" --processing-time 0s --quota-rps "$rate"
    status=0
    wall=$(plan "$work/cfg/quota$reads" "$work/$who.rc" "$work/plan-quota$reads-$who.log") || status=$?
    stop_emulator "$work/emulator-quota$reads-$who.log"
    wall=$(awk -v w="$wall" 'BEGIN {printf "%.1f", w / 1000}')
    eval "${who}_wall=\$wall ${who}_status=\$status ${who}_refused=\$refused"
    echo "    $label, $who: exit $status, ${wall}s, $refused of $served answers were 429" >&2
  done
  local ours_share base_share="-"
  ours_share=$(awk -v a="$ours_refused" -v n="$reads" 'BEGIN {printf "%.0f", 100 * a / n}')
  [[ -n "$have_baseline" ]] && base_share="$(awk -v a="$baseline_refused" -v n="$reads" 'BEGIN {printf "%.0f", 100 * a / n}') (before)"
  local ok="yes" before="-"
  ((ours_status == 0)) || ok="NO"
  [[ -n "$have_baseline" ]] && { before="failed (before)"; ((baseline_status == 0)) && before="ok (before)"; }
  row "$label: plan succeeds (max_retries 5)" "$([[ $ok == yes ]] && echo ok || echo failed)" "$before" "-" "succeeds" "$ok"
  row "$label: 429s, % of reads" "$ours_share" "$base_share" "-" "<= 10" "$(le "$ours_share" 10)"
  row "$label: wall (s)" "$ours_wall" "$floor_s (floor)" "$(ratio "$ours_wall" "$floor_s")" "ratio <= 1.25" "$(le "$(ratio "$ours_wall" "$floor_s")" 1.25)"
  [[ -n "$have_baseline" ]] && row "$label: wall before (s)" "$baseline_wall" "$floor_s (floor)" "$(ratio "$baseline_wall" "$floor_s")" "-" "-"
  return 0
}

if [[ -z "${SKIP_QUOTA-}" && -z "${ONLY_RELEASE-}" ]]; then
  echo "==> Quota runs: plan -parallelism=10 against a per-tenant quota (burst: one second's worth)" >&2
  quota_case "100 reads at 2 rps" 100 2
  quota_case "300 reads at 30 rps" 300 30
fi

[[ -z "${SKIP_RELEASE-}" ]] && release_cases

echo >&2
echo "bench run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(((($(now_ms) - started) / 1000)))s" >&2
print_table
