#!/bin/sh
# run-predict.sh [BINDIR] - the aiops-predict quality gate behind `make eval`
# (issue 24).  Time-split / other-scenario validation only: the model never
# sees the incidents it is tested on.
#
#   train: memory-leak, disk-fill, latency-degradation at seeds 101 and 102,
#          quiet at seeds 101 and 102, predict-deploys (routine deploys that
#          cause nothing) at its own seed
#   test:  memory-leak, disk-fill, latency-degradation at their own seeds
#          (other noise, other incidents), predict-leak, predict-disk and
#          predict-degradation (other services, times and ramps), and quiet
#          at its own seed for false warnings
#
# Each test scenario is scored with `aiops-predict --model` (and the
# memory limits of its services, --limits, as a container spec gives them)
# and `aiops-eval`; the counts are summed over the test scenarios.
# Gates (docs/BENCHMARKS.md): >= 70 % of incidents warned >= 30 min ahead,
# warning precision >= 0.8, <= 1 false warning per day on quiet.
# The report goes to build/eval/predict.json (EVAL_OUT to change).
# Exit status: 0 all gates pass, 1 a gate failed, 2 a tool failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
bin=${1:-bin}
bin=$(cd "$bin" 2>/dev/null && pwd) || { echo "eval: no directory $bin"; exit 2; }
out=${EVAL_OUT:-build/eval}
mkdir -p "$out" || exit 2
command -v jq >/dev/null || { echo "eval: jq is needed (make deps)"; exit 2; }
[ -x "$bin/aiops-predict" ] || { echo "eval: predict: $bin/aiops-predict not built, skipped"; exit 0; }
# PREDICT_WORK=DIR keeps the streams, labels, model and training arguments
# (train.args) there, for bench/predict.sh
if [ -n "${PREDICT_WORK:-}" ]; then
    tmp=$PREDICT_WORK
else
    tmp=$(mktemp -d /tmp/aiops-eval-predict.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
fi

# sim NAME [SEED]: the scenario's stream and its labels in $tmp
sim() {
    f=$tmp/$1${2:+-$2}
    "$bin/aiops-simulate" "scenarios/$1.json" ${2:+--seed "$2"} --stream -o "$f.ndjson" || exit 2
    jq -c 'select(.type == "label")' "$f.ndjson" > "$f.labels" || exit 2
}

# limits NAME: memory_usage_bytes limit of every service (its memory.limit,
# else its kind's default, docs/SCENARIOS.md)
limits() {
    jq -r '.services[] | "memory_usage_bytes{service=\"\(.name)\"} \(.memory.limit //
        ({"http": 1024e6, "db": 8192e6, "cache": 4096e6, "queue": 2048e6, "worker": 2048e6}[.kind // "http"]))"' \
        "scenarios/$1.json" > "$tmp/$1.limits" || exit 2
}

train=""
for s in memory-leak disk-fill latency-degradation quiet; do
    for seed in 101 102; do
        sim "$s" "$seed"
        train="$train -l $tmp/$s-$seed.labels $tmp/$s-$seed.ndjson"
    done
done
sim predict-deploys
train="$train -l $tmp/predict-deploys.labels $tmp/predict-deploys.ndjson"
printf '%s\n' $train > "$tmp/train.args"
# shellcheck disable=SC2086
"$bin/aiops-predict" --train $train -o "$tmp/model.json" 2> "$tmp/train.txt" || { cat "$tmp/train.txt"; exit 2; }
sed 's/^/predict: /' "$tmp/train.txt"
cp "$tmp/model.json" "$out/predict-model.json"

: > "$tmp/rows"
for s in memory-leak disk-fill latency-degradation predict-leak predict-disk predict-degradation quiet; do
    sim "$s"
    limits "$s"
    "$bin/aiops-predict" --model "$tmp/model.json" --limits "$tmp/$s.limits" "$tmp/$s.ndjson" \
        > "$tmp/$s.pred" || exit 2
    from=$(jq -r '.start' "scenarios/$s.json")
    span="$(date -u -d "$from" +%s)..$(( $(date -u -d "$from" +%s) + $(jq '.days * 86400 | floor' "scenarios/$s.json") ))"
    "$bin/aiops-eval" --labels "$tmp/$s.labels" --span "$span" "$tmp/$s.pred" > "$tmp/$s.eval" || exit 2
    n=$(wc -l < "$tmp/$s.labels")
    jq -c --arg s "$s" --argjson n "$n" '{scenario: $s} + (.prediction // {warnings: 0, true_warnings: 0,
        warned_30m: 0, false_warnings: 0}) + {incidents: $n}' \
        "$tmp/$s.eval" >> "$tmp/rows" || exit 2
done

days_quiet=$(jq '.days' scenarios/quiet.json)
jq -s --argjson qd "$days_quiet" '
  (map(select(.scenario != "quiet"))) as $t |
  ($t | map(.incidents) | add) as $n |
  ($t | map(.warned_30m // 0) | add) as $w30 |
  ($t | map(.warnings // 0) | add) as $wn |
  ($t | map(.true_warnings // 0) | add) as $tw |
  (map(select(.scenario == "quiet"))[0]) as $q |
  {incidents: $n, warned_30m: $w30, frac_warned_30m: (if $n > 0 then $w30 / $n else null end),
   warnings: $wn, true_warnings: $tw, precision: (if $wn > 0 then $tw / $wn else null end),
   quiet_false_warnings: ($q.warnings // 0), quiet_false_per_day: (($q.warnings // 0) / $qd),
   scenarios: .}' "$tmp/rows" > "$out/predict.json" || exit 2

jq -r '.scenarios[] | "predict: \(.scenario): \(.incidents) incidents, \(.warned_30m // 0) warned >= 30 min ahead, \(.warnings // 0) warnings (\(.true_warnings // 0) true), lead median \(.lead_median // "-") s"' "$out/predict.json"
jq -r '"predict: total: \(.warned_30m)/\(.incidents) warned >= 30 min ahead (\(.frac_warned_30m)), precision \(.precision) (\(.true_warnings)/\(.warnings)), quiet: \(.quiet_false_per_day) false warnings/day"' "$out/predict.json"

fail=0
jq -e '.frac_warned_30m >= 0.7' "$out/predict.json" >/dev/null || { echo "predict: gate failed: warned >= 30 min ahead < 0.7"; fail=1; }
jq -e '.precision >= 0.8' "$out/predict.json" >/dev/null || { echo "predict: gate failed: warning precision < 0.8"; fail=1; }
jq -e '.quiet_false_per_day <= 1' "$out/predict.json" >/dev/null || { echo "predict: gate failed: more than 1 false warning per day on quiet"; fail=1; }
[ $fail = 0 ] && echo "predict: all gates passed"
exit $fail
