#!/bin/sh
# bench/nezha.sh [DATASET] - aiops-rca on the Nezha Train-Ticket faults of
# 2023-01-30 (17 injections; ../shared/datasets/nezha-trainticket, see its
# SOURCE.txt), service level, against the figures Nezha published.
#
#   labels   the fault list through jq: one label record per injection,
#            start = "inject_time" read as UTC (the data's clock: the
#            metrics and traces are China time written as UTC, SOURCE.txt),
#            root_cause = the injected pod's workload (hash suffixes off)
#   metrics  metric/ts-*_metric.csv (per pod, 1 min) and front_service.csv
#            through aiops-replay -I table --map (pods roll up to services)
#   traces   trace/*_trace.csv (the minute after each injection) likewise
#   rank     aiops-rca --on label with its defaults (weights chosen on the
#            simulator; the span-wait rules and the metric-type prior by
#            leave-one-fault-type-out over these faults' types and the
#            simulator's, bench/rca_wait_cv.sh; docs/BENCHMARKS.md), then
#            aiops-eval: AC@1, AC@3, AC@5, Avg@5.
# REPLAY=path uses another aiops-replay (one with the table reader).
# RCA_ARGS adds aiops-rca options (for the sensitivity runs the benchmark
# section reports beside the defaults).  Skips (exit 0) without the data.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
ds=${1:-$root/../shared/datasets/nezha-trainticket}
day=$ds/rca_data/2023-01-30
[ -d "$day/metric" ] || { echo "skipped: no Nezha data in $ds"; exit 0; }
replay=${REPLAY:-$root/bin/aiops-replay}
rca=$root/bin/aiops-rca eval=$root/bin/aiops-eval
"$replay" --list-formats 2>/dev/null | grep -q '^table' ||
    { echo "skipped: $replay has no table reader (-I table)"; exit 0; }
work=${BENCH_DIR:-/tmp/aiops-bench}/nezha
mkdir -p "$work"
jq -c '[.[][]] | sort_by(.inject_time) | to_entries[] | .value as $f
    | ($f.inject_time | strptime("%Y-%m-%d %H:%M:%S") | mktime) as $t
    | {type: "label", ts: $t, id: "F\(.key + 1)", start: $t,
       root_cause: ($f.inject_pod | sub("-[a-z0-9]+-[a-z0-9]+$"; "")),
       kind: $f.inject_type, pod: $f.inject_pod}' "$day/2023-01-30-fault_list.json" > "$work/labels.ndjson"
"$replay" -I table --map 'ts=TimeStamp,service=PodName:pod,ignore=Time' "$day"/metric/ts-*_metric.csv \
    > "$work/metrics.ndjson"
"$replay" -I table --map 'ts=TimeStamp,service=ServiceName,ignore=Time' "$day/metric/front_service.csv" \
    > "$work/front.ndjson"
"$replay" -I table --map 'ts=StartTimeUnixNano,trace_id=TraceID,span_id=SpanID,parent_span_id=ParentID,service=PodName:pod,operation=OperationName,duration=Duration:us,ignore=EndTimeUnixNano' \
    "$day"/trace/*_trace.csv > "$work/traces.ndjson"
# shellcheck disable=SC2086
"$rca" --rca-only --on label -k 5 ${RCA_ARGS:-} "$work/labels.ndjson" "$work/metrics.ndjson" "$work/front.ndjson" \
    "$work/traces.ndjson" > "$work/rca.ndjson"
"$eval" --labels "$work/labels.ndjson" "$work/rca.ndjson" > "$work/eval.json"
# one line per fault: id, kind, root cause, its rank, the top 3
jq -r --slurpfile r "$work/rca.ndjson" '($r | map({key: .incident, value: [.candidates[].service]})
    | from_entries) as $m | ($m[.id] // []) as $c | .root_cause as $rt
    | "\(.id)\t\(.kind)\t\($rt)\t\(($c | index($rt)) as $i | if $i == null then "-" else $i + 1 end)\t\($c[0:3] | join(","))"' \
    "$work/labels.ndjson"
jq -r '.rca | "aiops-rca \(env.RCA_ARGS // "(defaults)"): \(.incidents) faults, AC@1 \(.ac1 * 1000 | round / 1000) AC@3 \(.ac3 * 1000 | round / 1000) AC@5 \(.ac5 * 1000 | round / 1000) Avg@5 \(.avg5 * 1000 | round / 1000)"' "$work/eval.json"
echo "Nezha (published, Train-Ticket, service level, 45 faults): AC@1 0.867 AC@3 0.978 AC@5 0.978"
