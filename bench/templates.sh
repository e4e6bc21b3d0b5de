#!/bin/sh
# bench/templates.sh [PASSES] - the log template miner (libcore/logtmpl) on
# Loghub-2k (../shared/datasets/loghub-2k, 16 systems x 2000 lines).
#
#  1. grouping accuracy per system with the defaults (Loghub/Drain grouping
#     accuracy against the EventId of *_structured.csv);
#  2. leave-one-system-out: for each system, the setting chosen on the other
#     15 from the grid in templates_acc.c and its accuracy on the held-out one;
#  3. speed: lines/s of CPU time on one core, all 32,000 messages PASSES
#     times (default 30) through one miner per system, beside the pure-Python
#     Drain peer (templates_peer.py) on the same messages in the same run.
# Raw lines are split into header and message by the Loghub formats in
# templates_formats.tsv.  Results: docs/BENCHMARKS.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
data=${LOGHUB_DIR:-$root/../shared/datasets/loghub-2k}
passes=${1:-30}
work=${BENCH_DIR:-/tmp/aiops-bench}
[ -d "$data" ] || { echo "templates.sh: no $data (see ../shared/datasets/README.md)" >&2; exit 2; }
[ -f "$root/libcore/libaiops.a" ] || { echo "build first: make" >&2; exit 2; }
mkdir -p "$work"
cc -std=c11 -O2 -I"$root/libcore" -o "$work/templates_acc" "$root/bench/templates_acc.c" \
    "$root/libcore/libaiops.a" -ljansson -lm
fmts="$root/bench/templates_formats.tsv"
echo "== grouping accuracy, defaults"
"$work/templates_acc" "$data" "$fmts"
echo "== leave-one-system-out"
"$work/templates_acc" "$data" "$fmts" --loso
echo "== speed (CPU time, one core)"
printf 'aiops logtmpl:  '; "$work/templates_acc" "$data" "$fmts" --speed "$passes"
"$work/templates_acc" "$data" "$fmts" --dump > "$work/loghub-messages.tsv"
printf 'python Drain:   '; python3 "$root/bench/templates_peer.py" 3 < "$work/loghub-messages.tsv"
