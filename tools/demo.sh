#!/bin/sh
# demo.sh - what `make demo` runs: the toolkit on the bundled demo archive
# (datasets/demo/demo.tar.zst, made by aiops-simulate from scenarios/demo.json):
# replay the archive, learn dynamic thresholds, measure them against the
# ground truth and the scenario's static alert rules, group the alerts and
# anomalies into incidents, rank their root causes, and write the report.
# Every tool runs with its defaults.
set -eu
cd "$(dirname "$0")/.."
demo=datasets/demo/demo.tar.zst
[ -f "$demo" ] || { echo "demo: $demo is missing (make datasets)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/aiops-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== 1. what the archive holds (aiops-replay --stats)"
bin/aiops-replay --stats -o /dev/null --members 'metrics/*' --members 'logs/*' \
    --members 'traces/jaeger/*' --members 'events/*' --members 'alerts/*' "$demo" 2>&1 |
    grep '(' | sed 's/^/   /'

echo
echo "== 2. ground truth: the incidents injected into the scenario"
bin/aiops-replay --members labels.ndjson "$demo" | tee "$tmp/labels.ndjson" |
    jq -r '"   " + ([.id, (.start|todate), .kind, "root cause: " + .root_cause] | join("  "))'

echo
echo "== 3. aiops-fit: dynamic thresholds learned on day 1, then scored live"
bin/aiops-replay --members 'metrics/*' "$demo" |
    bin/aiops-fit --train 1d --no-samples > "$tmp/anomalies.ndjson"
echo "   The anomaly events, one line per alarm (events at the same time are one alarm,"
echo "   as aiops-eval counts them); an alarm outside every incident's [start, end]"
echo "   is a FALSE ALARM:"
jq -rs --slurpfile lab "$tmp/labels.ndjson" '
    [.[] | select(.type == "anomaly" and .state == "firing")] | group_by(.ts)[]
    | .[0].ts as $t
    | ([$lab[] | select(.start <= $t and $t <= .end) | .id] | first) as $inc
    | "   " + ($t | todate) + "  " + (if $inc then ("in " + $inc + "            ")[0:11] else "FALSE ALARM" end)
      + "  " + (length | tostring) + " series: "
      + ([.[] | .labels.service + " " + .name] | unique | .[0:3] | join(", "))
      + (if length > 3 then ", ..." else "" end)' "$tmp/anomalies.ndjson" | head -n 20
echo "   ($(grep -c '"state":"firing"' "$tmp/anomalies.ndjson") anomaly events in all)"

echo
echo "== 4. aiops-eval: against the ground truth, and against the static alert rules"
echo "   (delays in seconds; false_per_day over the span shown)"
bin/aiops-replay --members 'alerts/*' "$demo" > "$tmp/static-alerts.ndjson"
bin/aiops-eval --labels "$tmp/labels.ndjson" --baseline-stream "$tmp/static-alerts.ndjson" \
    --table "$tmp/anomalies.ndjson" | sed -n '/^detection/,/^$/p' | sed 's/^/   /'

echo
echo "== 5. aiops-cluster | aiops-rca: the alerts and anomalies as incidents, root causes ranked"
echo "   (the whole archive: metrics, traces, logs, Kubernetes events, alerts)"
bin/aiops-replay --members 'metrics/*' --members 'traces/jaeger/*' --members 'logs/*' \
    --members 'events/*' --members 'alerts/*' "$demo" |
    bin/aiops-fit --train 1d | bin/aiops-cluster | bin/aiops-rca > "$tmp/chain.ndjson"
jq -rs --slurpfile lab "$tmp/labels.ndjson" '
    (map(select(.type == "rca")) | map({key: .incident, value: [.candidates[:3][].service]})
     | from_entries) as $rca
    | .[] | select(.type == "incident") | . as $i
    | ([$lab[] | select(.start <= $i.end and $i.start <= .end) | .id + " (root cause " + .root_cause + ")"]
       | first // "no injected incident") as $truth
    | def n($k; $one; $many): ($k | tostring) + " " + (if $k == 1 then $one else $many end);
      "   " + .id + "  " + (.start | todate) + "  " + (n(.services | length; "service"; "services") + ", "
      + n(.alert_count; "alert"; "alerts") + ", " + n(.anomalies // 0; "anomaly"; "anomalies")
      + "        ")[0:36]
      + "ranked: " + ($rca[.id] // [] | join(", ")) + "   truth: " + $truth' "$tmp/chain.ndjson"

echo
echo "== 6. aiops-summarize | aiops-report: a postmortem per incident (Markdown and self-contained HTML)"
bin/aiops-eval --labels "$tmp/labels.ndjson" --baseline-stream "$tmp/static-alerts.ndjson" \
    "$tmp/anomalies.ndjson" > "$tmp/eval.json"
echo "   report: $(bin/aiops-summarize "$tmp/chain.ndjson" |
    bin/aiops-report -o reports/demo - "$tmp/labels.ndjson" "$tmp/eval.json")"
