#!/bin/sh
# run-scenarios.sh [BINDIR] [SCENARIO...] - the detector-quality regression
# suite behind `make eval`.
#
# For every scenarios/NAME.json that has a scenarios/NAME.expect.json beside
# it (or only the SCENARIOs named), runs the whole pipeline
#     aiops-simulate --stream NAME.json | aiops-fit ... | aiops-eval ...
# and gates on the expectations: ground truth = the scenario's label
# records, baseline stream = the scenario's own (Prometheus-style) alerts.
# The expect file (see tests/eval/example.expect.json, docs/EVALUATION.md):
#     {"fit":   ["--min-duration", "5m"],         extra aiops-fit arguments
#      "eval":  ["--pre", "5m"],                   extra aiops-eval arguments
#      "gates": {"min-f1": 0.8, "max-false-per-day": 2},   --KEY VALUE gates
#      "gate":  ["rca.ac1>=0.5"],                  --gate expressions
#      "baseline": "scenarios/NAME.eval.json", "max-regression": 0.02}
# Reports go to build/eval/NAME.json (EVAL_OUT to change).  A scenario whose
# tools are not built yet is skipped with a message.
# SEED=N simulates with `aiops-simulate --seed N` instead of the scenario's
# seed.  The expect file's gates are derived from the scenario's own seed;
# GATES=issue replaces them by issue 20's acceptance gates, which hold for
# any seed: every incident detected (--min-recall 1), at most one false
# alarm a day (--max-false-per-day 1), median delay no later than the
# static rules (detection.gain.delay_gain_median>=0).  `make eval-seeds`
# runs them on three other seeds.
# Exit status: 0 all gates pass, 1 a gate failed, 2 a tool failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
bin=${1:-bin}
[ $# -gt 0 ] && shift
bin=$(cd "$bin" 2>/dev/null && pwd) || { echo "eval: no directory $bin"; exit 2; }
out=${EVAL_OUT:-build/eval}
mkdir -p "$out" || exit 2
command -v jq >/dev/null || { echo "eval: jq is needed (make deps)"; exit 2; }
tmp=$(mktemp -d /tmp/aiops-eval-scen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Arguments from a JSON array field, one per line (no spaces inside needed).
args_of() {
    jq -r --arg k "$2" '(.[$k] // []) | .[] | tostring' "$1"
}

gate_args() {
    if [ "${GATES:-}" = issue ]; then
        if [ -s "$tmp/labels.ndjson" ]; then
            printf -- '--min-recall\n1\n--gate\ndetection.gain.delay_gain_median>=0\n'
        fi
        printf -- '--max-false-per-day\n1\n'
        return
    fi
    jq -r '(.gates // {}) | to_entries[] | "--\(.key)\n\(.value)"' "$1"
    jq -r '(.gate // [])[] | "--gate\n\(.)"' "$1"
    jq -r 'if .baseline then "--baseline\n\(.baseline)\n--max-regression\n\(."max-regression" // 0)" else empty end' "$1"
}

# Runs one scenario; returns 0 pass, 1 gate failure, 2 error, 3 skipped.
run_one() {
    s=$1 name=$(basename "$1" .json) exp=${1%.json}.expect.json
    for t in aiops-simulate aiops-fit aiops-eval; do
        [ -x "$bin/$t" ] || { echo "skipped: $name: $bin/$t is not built"; return 3; }
    done
    jq -e 'type == "object"' "$exp" >/dev/null 2>&1 || { echo "FAIL $name: $exp is not a JSON object"; return 2; }
    "$bin/aiops-simulate" ${SEED:+--seed "$SEED"} --stream "$s" > "$tmp/stream.ndjson" || { echo "FAIL $name: aiops-simulate"; return 2; }
    jq -c 'select(.type == "label")' "$tmp/stream.ndjson" > "$tmp/labels.ndjson" &&
        jq -c 'select(.type == "alert")' "$tmp/stream.ndjson" > "$tmp/alerts.ndjson" || return 2
    args_of "$exp" fit > "$tmp/fit.args"
    { args_of "$exp" eval; gate_args "$exp"; } > "$tmp/eval.args"
    # Arguments are one per line: read them into "$@" without word splitting.
    set --
    while IFS= read -r a; do set -- "$@" "$a"; done < "$tmp/fit.args"
    "$bin/aiops-fit" "$@" < "$tmp/stream.ndjson" > "$tmp/fit.ndjson" || { echo "FAIL $name: aiops-fit"; return 2; }
    set --
    while IFS= read -r a; do set -- "$@" "$a"; done < "$tmp/eval.args"
    "$bin/aiops-eval" --labels "$tmp/labels.ndjson" --baseline-stream "$tmp/alerts.ndjson" \
        -o "$out/$name.json" "$@" "$tmp/fit.ndjson" 2> "$tmp/eval.err"
    rc=$?
    sed "s/^/    /" "$tmp/eval.err"
    [ $rc -le 1 ] || { echo "FAIL $name: aiops-eval exit $rc"; return 2; }
    jq -r --arg n "$name" '"\(if .gates.passed then "ok  " else "FAIL" end) \($n): f1 \(.detection.event.f1) '\
'recall \(.detection.event.recall) false/day \(.detection.event.false_per_day) '\
'delay \(.detection.event.delay_median)s nab \(.nab.standard.score // "n/a") ac1 \(.rca.ac1 // "n/a")"' "$out/$name.json"
    return $rc
}

if [ $# -gt 0 ]; then list=$*; else list=$(ls scenarios/*.json 2>/dev/null | grep -v -e '\.expect\.json$' -e '\.eval\.json$'); fi
pass=0 fail=0 err=0 skip=0 none=0
for s in $list; do
    [ -f "${s%.json}.expect.json" ] || { none=$((none + 1)); continue; }
    run_one "$s"
    case $? in
    0) pass=$((pass + 1)) ;;
    1) fail=$((fail + 1)) ;;
    3) skip=$((skip + 1)) ;;
    *) err=$((err + 1)) ;;
    esac
done
echo "eval: $pass passed, $fail failed gates, $err errors, $skip skipped, $none without expectations"
[ $err -eq 0 ] || exit 2
[ $fail -eq 0 ] || exit 1
exit 0
