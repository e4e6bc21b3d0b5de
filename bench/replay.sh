#!/bin/sh
# bench/replay.sh [SAMPLES] - aiops-replay throughput and peak memory, side
# by side with `jq -c .` on the same files in the same run (issue 21).
#
# 1. Samples: SAMPLES (default 10,000,000; 0 leaves this part out) TSV samples of 1,000 series as a
#    plain file and as a .tar.zst (listed afresh, and with --index, which
#    keeps the listing beside the archive so it is decompressed once), and
#    the NDJSON encoding as a .tar.zst.
# 2. Logs, spans, events, alerts: one simulated day of bench/scenarios/
#    big.json (100 services, 2 log lines per service-minute, 20 traces a
#    minute) in the formats real systems write: logcli JSONL, Jaeger, OTLP
#    and Zipkin JSON from aiops-simulate; Elasticsearch hits, Kubernetes
#    watch events and Alertmanager webhook lines made from the log lines
#    with jq (one record per log line; the conversion is not timed).
# 3. Peak RSS on the 153 MB Jaeger document and on a 1 GB one (its traces
#    seven times over in one "data" array), and on a 1 GB OTLP document
#    (the 87 MB one's resources eleven times over in one "resourceSpans").
#
# Each file is read once by each program (the machine is shared: no
# loops); rates are records / wall seconds, and user+sys CPU seconds are
# shown beside them.  RUNS=3 takes the best of three.  Size knobs (for
# `make bench`'s small run): OBS_DAYS=0.25 simulates a quarter day for 2
# instead of one, BIG_DOC=0 leaves out 3.  OLD=path/to/an
# older aiops-replay adds its CPU seconds and peak RSS on the same logs,
# spans, events and alerts, in the same run.  Results:
# docs/BENCHMARKS.md ("aiops-replay" and the issue-21 sections).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000000}
runs=${RUNS:-1}
series=1000
work=${BENCH_DIR:-/tmp/aiops-bench}
mkdir -p "$work"
cc -O2 -o "$work/gen-samples" "$root/bench/gen-samples.c"
replay="$root/bin/aiops-replay"
sim="$root/bin/aiops-simulate"
[ -x "$replay" ] || { echo "build first: make" >&2; exit 2; }
command -v jq > /dev/null || { echo "jq is needed (apt-get install jq)" >&2; exit 2; }

# timed CMD... -> "wall cpu rss_kb" (best wall of $runs)
timed() {
    best=""
    i=0
    while [ $i -lt "$runs" ]; do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > /dev/null
        r=$(awk '{printf "%s %.2f %s", $1, $2 + $3, $4}' "$work/time.txt")
        if [ -z "$best" ] || awk "BEGIN{exit !(${r%% *} < ${best%% *})}"; then best=$r; fi
        i=$((i + 1))
    done
    echo "$best"
}

# row LABEL FILE RECORDS REPLAY_RESULT [JQ_RESULT [OLD_RESULT]]: rates per
# wall second and per CPU second (user + sys: the machine is shared, so
# the CPU figure is the steadier one), and the ratios to jq in both.
row() {
    size=$(stat -c %s "$2")
    set -- "$1" "$size" "$3" $4 ${5:-- - -} ${6:-- - -}
    awk -v l="$1" -v b="$2" -v c="$3" -v w="$4" -v u="$5" -v m="$6" -v jw="$7" -v ju="$8" \
        -v jm="$9" -v ou="${11}" -v om="${12}" 'BEGIN{
        jq = jw == "-" ? "" : sprintf("%7.2f %7.2f %7.1f %6.1fx %6.1fx", jw, ju, jm / 1024, jw / w, ju / u)
        old = ou == "-" ? "" : sprintf("   %7.2f %8.0f %7.1f", ou, c / ou, om / 1024)
        printf "%-22s %7.1f %9d %7.2f %6.2f %9.0f %9.0f %7.1f %s%s\n",
               l, b / 1048576, c, w, u, c / w, c / u, m / 1024, jq, old }'
}

header() {
    printf '\n%-22s %7s %9s %7s %6s %9s %9s %7s %7s %7s %7s %7s %7s' input MB records wall cpu \
        "rec/wall" "rec/cpu" "RSS MB" "jq wall" "jq cpu" "jq RSS" "x wall" "x cpu"
    [ -z "${OLD:-}" ] && echo || printf '   %7s %8s %7s\n' "old cpu" "old r/cpu" "old RSS"
}

count() {   # records aiops-replay writes for FILE [OPTS]
    "$replay" "$@" -o - | wc -l
}

# ------------------------------------------------------------ samples
if [ "$n" -gt 0 ]; then      # SAMPLES 0: logs, spans, events and alerts only
d="$work/tsv-$n"
mkdir -p "$d"
[ -s "$d/samples.tsv" ] || "$work/gen-samples" tsv "$n" $series > "$d/samples.tsv"
[ -s "$d/samples.tsv.tar.zst" ] ||
    tar -C "$d" -cf - samples.tsv | zstd -q -3 -T2 > "$d/samples.tsv.tar.zst"
[ -s "$d/samples.ndjson.tar.zst" ] || {
    "$work/gen-samples" ndjson "$n" $series > "$d/samples.ndjson"
    tar -C "$d" -cf - samples.ndjson | zstd -q -3 -T2 > "$d/samples.ndjson.tar.zst"
    rm -f "$d/samples.ndjson"
}
rm -f "$d"/*.aiops-index
header
row "TSV plain" "$d/samples.tsv" "$n" "$(timed "$replay" -f tsv -o /dev/null "$d/samples.tsv")"
row "TSV .tar.zst" "$d/samples.tsv.tar.zst" "$n" \
    "$(timed "$replay" -f tsv -o /dev/null "$d/samples.tsv.tar.zst")"
"$replay" --index -f tsv -o /dev/null "$d/samples.tsv.tar.zst"     # writes the index
row "TSV .tar.zst --index" "$d/samples.tsv.tar.zst" "$n" \
    "$(timed "$replay" --index -f tsv -o /dev/null "$d/samples.tsv.tar.zst")"
row "NDJSON .tar.zst" "$d/samples.ndjson.tar.zst" "$n" \
    "$(timed "$replay" -o /dev/null "$d/samples.ndjson.tar.zst")"
fi

# ------------------------------------------- logs, spans, events, alerts
o="$work/obs"
mkdir -p "$o"
jq --argjson days "${OBS_DAYS:-1}" '.days = $days | .logs.per_minute = 2 | .traces.per_minute = 20' \
    "$root/bench/scenarios/big.json" > "$o/day.json"
for tf in jaeger otlp zipkin; do
    a="$o/day-$tf.tar.zst"
    [ -s "$a" ] || "$sim" "$o/day.json" --trace-format $tf -o "$a"
    [ -s "$o/$tf.json" ] || tar -xOf "$a" --zstd "traces/$tf/2024-01-01.json" > "$o/$tf.json"
done
[ -s "$o/logcli.jsonl" ] || tar -xOf "$o/day-jaeger.tar.zst" --zstd logs/2024-01-01.jsonl > "$o/logcli.jsonl"
[ -s "$o/es.ndjson" ] || jq -c '{_index: "logs-prod", _id: (.timestamp + .labels.service),
    _source: {"@timestamp": .timestamp, message: .line, level: .labels.level,
              service: {name: .labels.service}, kubernetes: {namespace: .labels.namespace}}}' \
    "$o/logcli.jsonl" > "$o/es.ndjson"
[ -s "$o/k8s.jsonl" ] || jq -c '{type: "ADDED", object: {apiVersion: "v1", kind: "Event",
    count: 1, involvedObject: {kind: "Pod", name: (.labels.service + "-7d9f8b6c4-x2x9z"),
    namespace: .labels.namespace}, lastTimestamp: (.timestamp | sub("\\.[0-9]+Z$"; "Z")),
    message: .line, metadata: {name: (.labels.service + ".17a"), namespace: .labels.namespace},
    reason: "BackOff", type: "Warning"}}' "$o/logcli.jsonl" > "$o/k8s.jsonl"
[ -s "$o/alertmanager.ndjson" ] || jq -c '{receiver: "aiops", status: "firing", alerts: [{
    status: "firing", labels: {alertname: "HighLatency", service: .labels.service,
    namespace: .labels.namespace, severity: "warning"}, annotations: {summary: .line},
    startsAt: .timestamp, endsAt: "0001-01-01T00:00:00Z", fingerprint: (.timestamp | .[11:23])}],
    groupLabels: {alertname: "HighLatency"}, commonLabels: {alertname: "HighLatency"},
    externalURL: "http://alertmanager:9093", version: "4", groupKey: "{}:{}", truncatedAlerts: 0}' \
    "$o/logcli.jsonl" > "$o/alertmanager.ndjson"

header
for f in logcli.jsonl es.ndjson jaeger.json otlp.json zipkin.json k8s.jsonl alertmanager.ndjson; do
    c=$(count "$o/$f")
    [ $f != jaeger.json ] || spans=$c
    r=$(timed "$replay" -o /dev/null "$o/$f")
    j=$(timed jq -c . "$o/$f")
    old=""
    [ -z "${OLD:-}" ] || old=$(timed "$OLD" -o /dev/null "$o/$f")
    row "$f" "$o/$f" "$c" "$r" "$j" "$old"
done

# ---------------------------------------------- a 1 GB Jaeger document
[ "${BIG_DOC:-1}" = 0 ] && exit 0
big="$o/jaeger-1g.json"
if [ ! -s "$big" ]; then
    L=$(wc -l < "$o/jaeger.json")
    { echo '{"data":['
      for i in 1 2 3 4 5 6 7; do sed -n "2,$((L - 1))p" "$o/jaeger.json" | sed '$ s/$/,/'; done |
          sed '$ s/,$//'
      echo '],"total":0,"limit":0,"offset":0,"errors":null}'; } > "$big"
fi
obig="$o/otlp-1g.json"
if [ ! -s "$obig" ]; then
    L=$(wc -l < "$o/otlp.json")
    { echo '{"resourceSpans":['
      for i in 1 2 3 4 5 6 7 8 9 10 11; do sed -n "2,$((L - 1))p" "$o/otlp.json" | sed '$ s/$/,/'; done |
          sed '$ s/,$//'
      echo ']}'; } > "$obig"
fi
header
row "jaeger-1g.json" "$big" $((spans * 7)) "$(timed "$replay" -o /dev/null "$big")"
row "otlp-1g.json" "$obig" $((spans * 11)) "$(timed "$replay" -o /dev/null "$obig")"
