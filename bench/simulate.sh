#!/bin/sh
# bench/simulate.sh [SCENARIO] - aiops-simulate throughput.
#
# Generates the archive of bench/scenarios/big.json (100 services x 10
# metrics x 28 days at 1-minute resolution = 40,320,000 samples; logs and
# traces off, so the figure is the metric path), best of 3 runs, and
# reports wall time, samples/s, peak RSS and the archive size.  A second
# line runs the same scenario with logs (2 lines/service/minute) and
# traces (2/minute) on.  Results: docs/BENCHMARKS.md, "## aiops-simulate".
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
scen=${1:-$root/bench/scenarios/big.json}
sim="$root/bin/aiops-simulate"
[ -x "$sim" ] || { echo "build first: make" >&2; exit 2; }
work=${BENCH_DIR:-/tmp/aiops-bench}
mkdir -p "$work"

# run SCENARIO -> "seconds rss_kb samples bytes"
run() {
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$sim" "$1" -o "$work/sim.tar.zst" --stats \
        2>"$work/stats.txt"
    samples=$(awk '$2 == "sample" { print $1 }' "$work/stats.txt")
    echo "$(cat "$work/time.txt") $samples $(wc -c <"$work/sim.tar.zst")"
}

best_of_3() {
    best=""
    for i in 1 2 3; do
        r=$(run "$1")
        s=${r%% *}
        if [ -z "$best" ] || awk "BEGIN{exit !($s < ${best%% *})}"; then best=$r; fi
    done
    echo "$best"
}

printf '%-22s %12s %9s %14s %12s %10s\n' run samples seconds "samples/s" "peak RSS MB" "archive MB"
report() {
    echo "$2" | awk -v n="$1" '{printf "%-22s %12d %9.2f %14.0f %12.1f %10.1f\n", n, $3, $1, $3/$1, $2/1024, $4/1e6}'
}
report "metrics only" "$(best_of_3 "$scen")"
# the same with logs and traces on
jq '.logs.per_minute = 2 | .traces.per_minute = 2' "$scen" >"$work/big-full.json"
report "+ logs and traces" "$(run "$work/big-full.json")"
rm -f "$work/sim.tar.zst"
