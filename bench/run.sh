#!/usr/bin/env bash
# Prints the provider's speed and memory figures next to their goals.
#   bench/run.sh            # 5 runs of each benchmark
#   COUNT=10 bench/run.sh
# Figures vary with the machine; compare runs with benchstat, not by eye.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${COUNT:-5}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench . -benchmem -count "$count" ./internal/... | tee "$out" | grep -E '^Benchmark'

median() { # median ns/op of one benchmark
  grep -E "^$1-" "$out" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo
printf '%-34s %12s   %s\n' "figure" "median" "goal"
printf '%-34s %10.1fms   %s\n' "read+store a 10,000-URL task" "$(median BenchmarkReadAndStore10kURLs | awk '{print $1/1e6}')" "< 500ms"
printf '%-34s %10.1fus   %s\n' "provider Configure (no I/O)" "$(median BenchmarkProviderConfigure | awk '{print $1/1e3}')" "no network, no file scan"
printf '%-34s %10.1fus   %s\n' "one signed query, kept-alive conn" "$(median BenchmarkQueryOneURL | awk '{print $1/1e3}')" "-"
