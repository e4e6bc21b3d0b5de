#!/bin/sh
# bench/score.sh [POINTS] - scoring throughput of every aiops-fit model on
# one core, in-process (band() + update() per point through the model
# interface, as aiops-fit scores), and the fit time of seasonal and sarima
# on 28 days of 1-minute points.  Issue 5's targets: >= 5 M points/s for
# ewma, >= 1 M points/s for seasonal scoring after its fit.
#
# bench/model_speed.c: ewma, robust, static, holtwinters on 15 s data
# (daily sine, uniform noise, a spike every 10,007 points), POINTS points
# each (default 10 M).  bench/fit_speed.c: seasonal and sarima trained on
# 28 days (40,320 points), then scoring as many.  Prints Markdown.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000000}
work=${BENCH_DIR:-/tmp/aiops-bench-score}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
[ -f "$root/libcore/libaiops.a" ] || { echo "build first: make" >&2; exit 2; }
mkdir -p "$work"
for p in model_speed fit_speed; do
    ${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/$p.c" \
        "$root/libcore/libaiops.a" -ljansson -llapacke -lopenblas -lm -o "$work/$p"
done
"$work/model_speed" "$n" >"$work/model.txt"
"$work/fit_speed" 28 seasonal sarima >"$work/fit.txt"
echo "| model | data | fit ms | scoring M points/s | out of band |"
echo "|---|---|---|---|---|"
sed -E 's/^(.*[^ ]) +([0-9.]+) M points\/s +\(([0-9]+) points in [0-9.]+ s, ([0-9]+) anomalies\)$/| \1 | 15 s points | - | \2 | \4 of \3 |/' \
    "$work/model.txt" | sed 's/, 1 s) | 15 s points/, 1 s) | 1 s points/'
sed -E 's/^([a-z]+) +fit ([0-9]+) points: +([0-9.]+) ms +score: +([0-9.]+) M points\/s +out of band: +([0-9.]+%)$/| \1 | 1-minute, fit on \2 points | \3 | \4 | \5 |/' \
    "$work/fit.txt"
