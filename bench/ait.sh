#!/bin/sh
# bench/ait.sh [BINDIR] - aiops-cluster's three methods on the AIT alert
# data set (../shared/datasets/ait-alert-dataset, scenario russellmitchell:
# 45,544 IDS alerts of one multi-step attack; time_label = the attack phase
# or false_positive).  The CSV is read by aiops-replay's table reader
# (-I table --map), no converter: time_label and event_label ride along as
# annotations, which aiops-cluster never compares.  Settings are the
# defaults (chosen on the simulator scenarios, docs/CLUSTER.md); nothing
# here is tuned to this file.  Scores: bench/ait_score.py (reduction, ARI,
# per-phase purity and completeness, false positives as one class).
# Skips (exit 0) when the data set is absent or aiops-replay has no table
# format yet.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/bin}" && pwd)
csv=$root/../shared/datasets/ait-alert-dataset/alerts_csv/russellmitchell_alerts.txt
[ -f "$csv" ] || { echo "skipped: $csv is absent"; exit 0; }
"$bin/aiops-replay" --list-formats 2>/dev/null | grep -q '^table' ||
    { echo "skipped: aiops-replay has no table format (-I table) yet"; exit 0; }
dir=${BENCH_DIR:-$root/build/bench-ait}
mkdir -p "$dir"
"$bin/aiops-replay" -I table \
    --map 'type=alert,ts=time,name=name,service=host,labels=ip+short,annotations=time_label+event_label' \
    "$csv" > "$dir/ait.ndjson"
for m in default dbscan group-by; do
    "$bin/aiops-cluster" --method "$m" "$dir/ait.ndjson" > "$dir/$m.ndjson"
    /usr/bin/python3 "$root/bench/ait_score.py" "$dir/$m.ndjson" "$m"
done | tee "$dir/scores.ndjson"
