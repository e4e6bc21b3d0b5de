#!/bin/sh
# run-rca.sh [BINDIR] [SCENARIO...] - the RCA quality gate behind `make eval`.
#
# For every scenarios/NAME.json with faults (or only the SCENARIOs named):
#     aiops-simulate --stream NAME.json | aiops-rca [RCA_ARGS]
# then all rca records and labels together (ids prefixed with the scenario
# name) through aiops-eval, gated on AC@1 >= MIN_AC1 (0.8) and AC@3 >=
# MIN_AC3 (0.95) over all faults of all scenarios.  One line per fault
# (rank of the root cause) and the report go to build/eval/rca/ (EVAL_OUT).
# RCA_ARGS (e.g. "--method structural") is passed to aiops-rca; RCA_STREAMS=DIR
# takes DIR/NAME.ndjson instead of simulating again.
# Exit status: 0 gates pass, 1 a gate failed, 2 a tool failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
bin=${1:-bin}
[ $# -gt 0 ] && shift
bin=$(cd "$bin" 2>/dev/null && pwd) || { echo "rca eval: no directory $bin"; exit 2; }
out=${EVAL_OUT:-build/eval}/rca
mkdir -p "$out" || exit 2
for t in aiops-simulate aiops-rca aiops-eval; do
    [ -x "$bin/$t" ] || { echo "skipped: rca: $bin/$t is not built"; exit 0; }
done
command -v jq >/dev/null || { echo "rca eval: jq is needed (make deps)"; exit 2; }
tmp=$(mktemp -d /tmp/aiops-eval-rca.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then list=$*; else
    list=$(ls scenarios/*.json | grep -v -e '\.expect\.json$' -e '\.eval\.json$'); fi
: > "$tmp/all.ndjson"
for s in $list; do
    name=$(basename "$s" .json)
    if [ -n "${RCA_STREAMS:-}" ] && [ -f "$RCA_STREAMS/$name.ndjson" ]; then   # cached simulations
        cp "$RCA_STREAMS/$name.ndjson" "$tmp/stream.ndjson"
    else
        "$bin/aiops-simulate" --stream "$s" > "$tmp/stream.ndjson" || { echo "FAIL $name: aiops-simulate"; exit 2; }
    fi
    grep -q '"type":"label"' "$tmp/stream.ndjson" || continue
    # shellcheck disable=SC2086
    "$bin/aiops-rca" --rca-only ${RCA_ARGS:-} --on label "$tmp/stream.ndjson" > "$tmp/rca.ndjson" ||
        { echo "FAIL $name: aiops-rca"; exit 2; }
    jq -c --arg n "$name" 'select(.type == "label") | .id = "\($n)/\(.id)"' "$tmp/stream.ndjson" > "$tmp/l.ndjson"
    jq -c --arg n "$name" '.incident = "\($n)/\(.incident)"' "$tmp/rca.ndjson" > "$tmp/r.ndjson"
    cat "$tmp/l.ndjson" "$tmp/r.ndjson" >> "$tmp/all.ndjson"
    # one line per fault: scenario/id kind root rank top3
    jq -rs '(map(select(.type == "rca")) | map({key: .incident, value: [.candidates[].service]}) | from_entries) as $r
        | .[] | select(.type == "label")
        | ($r[.id] // []) as $c | .root_cause as $rt
        | "\(.id)\t\(.kind)\t\($rt)\t\(($c | index($rt)) as $i | if $i == null then "-" else $i + 1 end)\t\($c[0:3] | join(","))"' \
        "$tmp/l.ndjson" "$tmp/r.ndjson"
done > "$out/ranks.tsv"
cat "$out/ranks.tsv"
jq -c 'select(.type == "label")' "$tmp/all.ndjson" > "$tmp/labels.ndjson"
jq -c 'select(.type == "rca")' "$tmp/all.ndjson" > "$tmp/rcas.ndjson"
"$bin/aiops-eval" --labels "$tmp/labels.ndjson" --min-ac1 "${MIN_AC1:-0.8}" --min-ac3 "${MIN_AC3:-0.95}" \
    -o "$out/report.json" "$tmp/rcas.ndjson"
rc=$?
[ $rc -le 1 ] || { echo "FAIL rca: aiops-eval exit $rc"; exit 2; }
jq -r --argjson rc $rc '"\(if $rc == 0 then "ok  " else "FAIL" end) rca: \(.rca.incidents) faults, ac1 \(.rca.ac1) ac3 \(.rca.ac3) avg5 \(.rca.avg5) mean rank \(.rca.mean_rank)"' "$out/report.json"
exit $rc
