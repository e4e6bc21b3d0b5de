#!/bin/sh
# seeds.sh OUTDIR - seed inputs for every harness of tests/fuzz/, made from
# tests/fixtures, scenarios/ and a few hand-written lines: OUTDIR/NAME/ per
# harness.  A harness input is a flag byte and/or parts split at lines
# "%%" (tests/fuzz/fuzz.h); each harness's comment says which.  When bin/
# holds the tools, a short pipeline run (simulate | fit | cluster | rca)
# and models saved by aiops-fit and aiops-predict are seeds too.
set -u
out=${1:?usage: seeds.sh OUTDIR}
cd "$(dirname "$0")/../.." || exit 2
fx=tests/fixtures
rm -rf "$out" && mkdir -p "$out" || exit 2
tmp=$(mktemp -d /tmp/aiops-seeds.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
# seed HARNESS FLAGBYTE(octal, or - for none) PART... (files; "" = empty part)
seed() {
    h=$1 fl=$2
    shift 2
    mkdir -p "$out/$h"
    n=$((n + 1))
    {
        [ "$fl" = - ] || printf "\\$fl"
        first=1
        for p in "$@"; do
            [ $first = 1 ] || printf '%%%%\n'
            first=0
            [ -z "$p" ] || cat "$p"
        done
    } >"$out/$h/seed-$n"
}
text() { printf '%s\n' "$@" >"$tmp/t"; echo "$tmp/t"; }

# streams: fixtures, and a pipeline run on the tiny scenario
streams="$fx/report/incident.ndjson $fx/eval/stream.ndjson $fx/stream/mixed.ndjson $fx/sim/tiny.ndjson"
if [ -x bin/aiops-rca ]; then
    bin/aiops-fit "$fx/sim/tiny.ndjson" 2>/dev/null | bin/aiops-cluster 2>/dev/null |
        bin/aiops-rca 2>/dev/null | head -c 120000 >"$tmp/pipeline.ndjson"
    [ -s "$tmp/pipeline.ndjson" ] && streams="$streams $tmp/pipeline.ndjson"
    bin/aiops-fit --save "$tmp/state.json" "$fx/fit/small.ndjson" >/dev/null 2>&1
    bin/aiops-rca --graph "$fx/sim/tiny.ndjson" >"$tmp/graph.json" 2>/dev/null
    bin/aiops-predict --train --labels "$fx/eval/labels.ndjson" -o "$tmp/model.json" \
        "$fx/eval/stream.ndjson" >/dev/null 2>&1
fi

# fuzz_formats: every fixture file as detected (first byte >= the format
# count), and the tree-free paths of the JSON readers (tests/fuzz/fuzz_formats.c)
mkdir -p "$out/fuzz_formats"
find "$fx" -type f -size -200k | while read -r f; do
    n=$((n + 1)); { printf '\377'; cat "$f"; } >"$out/fuzz_formats/fx-$n"
done
for f in tests/fuzz/regressions/*; do [ -f "$f" ] && cp "$f" "$out/fuzz_formats/"; done
printf '\376\003' | cat - $fx/jaeger/traces.json >"$out/fuzz_formats/jpull-jaeger"
printf '\375\014' | cat - $fx/loki/logcli.jsonl >"$out/fuzz_formats/raw-loki"
printf '\375\014' | cat - $fx/loki/utf8-line.jsonl >"$out/fuzz_formats/raw-loki-utf8"
printf '\375\020' | cat - $fx/jaeger/traces.json >"$out/fuzz_formats/raw-jaeger"
printf '\375\021' | cat - $fx/otlp/collector.jsonl >"$out/fuzz_formats/raw-otlp"
printf '\375\023' | cat - $fx/k8s-events/watch-events.jsonl >"$out/fuzz_formats/raw-k8s"
printf '\375\022' | cat - $fx/zipkin/traces.json >"$out/fuzz_formats/raw-zipkin"
printf '\375\015' | cat - $fx/es/hits.ndjson >"$out/fuzz_formats/raw-es"
printf '\375\015' | cat - $fx/es/sources.ndjson >"$out/fuzz_formats/raw-es-sources"
printf '\375\016' | cat - $fx/fluentbit/forward.jsonl >"$out/fuzz_formats/raw-fluentbit"
printf '\375\016' | cat - $fx/fluentbit/json_lines.jsonl >"$out/fuzz_formats/raw-fluentbit-lines"
printf '\375\006' | cat - $fx/alertmanager/webhook-log.ndjson >"$out/fuzz_formats/raw-alertmanager"
printf '\375\006' | cat - $fx/alertmanager/vendor-webhook.ndjson >"$out/fuzz_formats/raw-alertmanager-vendor"
printf '\375\006' | cat - $fx/alertmanager/vendor-api-v2.json >"$out/fuzz_formats/raw-alertmanager-v2"
printf '\375\007' | cat - $fx/prom-alerts/polls.ndjson >"$out/fuzz_formats/raw-promalerts"
printf '\375\007' | cat - $fx/prom-alerts/alerts.json >"$out/fuzz_formats/raw-promalerts-doc"
printf '\375\023' | cat - $fx/k8s-events/vendor-watch.jsonl >"$out/fuzz_formats/raw-k8s-vendor"
for f in tests/fuzz/regressions/fuzz_formats/*; do [ -f "$f" ] && cp "$f" "$out/fuzz_formats/"; done

cp "$(text 'inhibit source: severity=critical; target: severity=warning; equal: service' \
     'group-by alertname,service' 'labels service,alertname' 'edge api db')" "$tmp/copts"
{ printf 'graph '; cat tests/cli/cases/cluster/shop.dot; } >"$tmp/cgraph"
for s in $streams tests/cli/cases/cluster/storm.ndjson; do
    for fl in 000 001 002 004 010 020; do seed fuzz_cluster $fl "" "$s"; done
    seed fuzz_cluster 002 "$tmp/copts" "$s"
    seed fuzz_cluster 000 "$tmp/cgraph" "$s"
    seed fuzz_rca 000 "" "$s"
    seed fuzz_rca 007 "$fx/report/graph.dot" "$s"
    seed fuzz_summarize 000 "" "$s"
    seed fuzz_summarize 001 "" "$s"
    seed fuzz_summarize 004 "$fx/report/incident.ndjson" "$s"
    seed fuzz_report 001 "$fx/report/groups.json" "$s"
    seed fuzz_report 002 "" "$s"
    seed fuzz_predict 000 "" "" "" "$s"
    seed fuzz_predict 001 "" "" "$fx/eval/labels.ndjson" "$s"
    seed fuzz_eval 000 "$fx/eval/labels.ndjson" "$s" "$fx/eval/baseline.ndjson"
    for fl in 000 001 002 003 004 005 006 007 020 040; do seed fuzz_fit $fl "" "" "$s"; done
done
jq -c . "$fx/report/eval-a.json" >"$tmp/evals" 2>/dev/null && jq -c . "$fx/report/eval-b.json" >>"$tmp/evals"
seed fuzz_report 001 "" "$fx/report/incident.ndjson" "$tmp/evals"
for l in tests/cli/cases/predict/*.limits; do seed fuzz_predict 000 "" "$l" "" "$fx/eval/stream.ndjson"; done
[ -s "$tmp/model.json" ] && seed fuzz_predict 000 "$tmp/model.json" "" "" "$fx/eval/stream.ndjson"
for l in "$fx"/eval/*.csv "$fx"/eval/*.json "$fx"/eval/*.ndjson; do
    seed fuzz_eval 000 "$l" "$fx/eval/stream.ndjson" ""
done
nab=$fx/eval/nab
seed fuzz_eval 001 "" "$fx/eval/stream.ndjson" "" "$nab/windows.json" "$nab/thresholds.json"
seed fuzz_eval 000 "" "" "" "$nab/windows.json" "$nab/thresholds.json" "$nab/results/toy/realKnownCause/toy_toy.csv"
seed fuzz_eval 001 "" "" "" "$nab/windows.json" "" "$nab/results/toy/realKnownCause/toy_toy.csv"
if [ -x bin/aiops-eval ]; then
    bin/aiops-eval --labels "$fx/eval/labels.ndjson" "$fx/eval/stream.ndjson" >"$tmp/report.json" 2>/dev/null
    seed fuzz_eval 000 "$fx/eval/labels.ndjson" "$fx/eval/stream.ndjson" "" "" "" "" "$tmp/report.json" \
        "$(text alertname,service)"
fi
[ -s "$tmp/state.json" ] && for fl in 000 001 020; do seed fuzz_fit $fl "$tmp/state.json" "" "$fx/fit/small.ndjson"; done
for f in "$fx"/fit/bad-models*.json; do seed fuzz_fit 000 "$f" "" "$fx/fit/small.ndjson"; done
seed fuzz_fit 010 "" "$fx/fit/cpu-batch-labels.ndjson" "$fx/fit/short.tsv"
seed fuzz_fit 011 "" "$fx/eval/labels.ndjson" "$fx/eval/stream.ndjson"

for f in scenarios/*.json "$fx"/sim/*.json; do
    case $f in *.expect.json) continue ;; esac
    seed fuzz_scenario - "$f"
done
for f in "$fx/report/graph.dot" tests/cli/cases/cluster/shop.dot "$tmp/graph.json"; do
    [ -s "$f" ] && seed fuzz_graph - "$f"
done
seed fuzz_graph - "$(text '{"services":[{"name":"api"},{"name":"db"}],"edges":[{"from":"api","to":"db","calls":3}]}')"
seed fuzz_graph - "$(text 'digraph g { "a b" -> c [weight=2]; c -> d; // x' '/* y */ e; }')"

seed fuzz_llm 000 "$(text '{"id":"m","type":"message","content":[{"type":"text","text":"Root cause: db."},{"type":"text","text":" Next."}],"stop_reason":"end_turn"}')"
seed fuzz_llm 001 "$(text '{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Canned summary."}}]}')"
seed fuzz_llm 000 "$(text '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')"
seed fuzz_llm 001 "$(text '{"content": [ this is not json')"
seed fuzz_llm 002 "$(text '120')"

seed fuzz_selector - "$(text 'cpu{service="db",mode!="idle"}' 'cpu{service="db",mode="user"}' 'cpu{service="api"}')"
seed fuzz_selector - "$(text '{__name__=~"http_.*",code!~"2.."}' 'http_requests_total{code="500"}' \
    '{"type":"log","ts":1,"service":"api","labels":{"code":"500"},"message":"x"}')"
seed fuzz_selector - "$(text 'node_load1 >= 6' 'node_load1{instance="a"}')"
seed fuzz_selector - "$(text 'node_load1{instance="a"}<2' 'node_load1{instance="a",job="n"}')"

for t in 2024-01-02T03:04:05.5Z '2024-01-02 03:04:05+02:00' 2024-01-02 1700000000 1700000000123 \
         1700000000123456789 1h30m 250ms 2d 1w -Inf NaN 1e-300 0x10 '  7'; do
    seed fuzz_time 000 "$(printf '%s' "$t" >"$tmp/t"; echo "$tmp/t")"
done
for z in Europe/Berlin :America/New_York UTC Etc/GMT+5; do
    seed fuzz_time 001 "$(printf '%s' "$z" >"$tmp/t"; echo "$tmp/t")"
done

for m in 'ts=when,reading=value' 'ts=when,name=sensor,value=reading' \
         'type=alert,ts=time,name=name,service=host,labels=ip+short,annotations=time_label+event_label' \
         'service=pod:pod,trace_id=TraceId,duration=Duration/1e9'; do
    printf '%s' "$m" >"$tmp/m"
    seed fuzz_colmap 002 "$tmp/m" "$(text when reading sensor time name host ip short)"
    seed fuzz_colmap 001 "$tmp/m" "$(text when value)"
done

i=0
for v in 3 0.3 1d 90m 7 20 1,1,1 1,0,1 f1 nab recall-at-fa:2 '{"k":3,"period":86400}'; do
    printf '%s' "$v" >"$tmp/v"
    seed fuzz_fitopts "$(printf '%03o' $i)" "$tmp/v"
    i=$((i + 1))
done
echo "seeds: $(find "$out" -type f | wc -l) files in $out"
