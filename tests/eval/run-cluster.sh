#!/bin/sh
# run-cluster.sh [BINDIR] [SCENARIO...] - the alert-grouping quality gate of
# aiops-cluster, called by `make eval`.
#
# For every scenarios/storm-*.json (or the SCENARIOs named): simulates the
# stream, takes the service graph from the scenario's `calls`, runs
# aiops-cluster with each method (default, dbscan, group-by) and scores the
# incidents with aiops-eval against the scenario's labels.  Prints one
# table row per scenario and method; the default method must reach a noise
# reduction of at least 90 % (alerts / incidents >= 10) and an ARI of at
# least 0.9 on every storm scenario.  CLUSTER_ALL=1 adds the other
# scenarios' rows (not gated).  Reports go to build/eval/cluster-NAME-METHOD.json.
# Exit status: 0 all gates pass, 1 a gate failed, 2 a tool failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
bin=${1:-bin}
[ $# -gt 0 ] && shift
bin=$(cd "$bin" 2>/dev/null && pwd) || { echo "cluster-eval: no directory $bin"; exit 2; }
out=${EVAL_OUT:-build/eval}
mkdir -p "$out" || exit 2
command -v jq >/dev/null || { echo "cluster-eval: jq is needed (make deps)"; exit 2; }
for t in aiops-simulate aiops-cluster aiops-eval; do
    [ -x "$bin/$t" ] || { echo "skipped: cluster-eval: $bin/$t is not built"; exit 0; }
done
tmp=$(mktemp -d /tmp/aiops-eval-cluster.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
    list=$*
else
    list=$(ls scenarios/storm-*.json | grep -v -e '\.expect\.json$')
    [ "${CLUSTER_ALL:-0}" = 1 ] && list="$list $(ls scenarios/*.json | grep -v -e '\.expect\.json$' -e 'storm-')"
fi
fail=0 err=0
printf '%-24s %-9s %6s %7s %9s %6s %6s\n' scenario method alerts groups reduction ari gate
for s in $list; do
    name=$(basename "$s" .json)
    "$bin/aiops-simulate" --stream "$s" | jq -c 'select(.type == "alert" or .type == "label")' > "$tmp/s.ndjson" ||
        { echo "FAIL $name: aiops-simulate"; err=1; continue; }
    jq -c 'select(.type == "label")' "$tmp/s.ndjson" > "$tmp/labels.ndjson"
    jq -r '"digraph {", (.services[] | .name as $n | (.calls // [])[] | "  \"\($n)\" -> \"\(if type == "string" then . else .service end)\";"), "}"' \
        "$s" > "$tmp/graph"
    for m in default dbscan group-by; do
        "$bin/aiops-cluster" --method "$m" --graph "$tmp/graph" --incidents-only "$tmp/s.ndjson" > "$tmp/inc.ndjson" ||
            { echo "FAIL $name: aiops-cluster --method $m"; err=1; continue; }
        # the alerts themselves are the items; the incidents list them
        rep=$out/cluster-$name-$m.json
        "$bin/aiops-eval" --labels "$tmp/labels.ndjson" "$tmp/s.ndjson" "$tmp/inc.ndjson" > "$rep" ||
            { echo "FAIL $name: aiops-eval"; err=1; continue; }
        gate=-
        case $name:$m in
        storm-*:default)
            if jq -e '.grouping.ours.noise_reduction >= 10 and .grouping.ours.ari >= 0.9' "$rep" >/dev/null; then
                gate=ok
            else
                gate=FAIL
                fail=1
            fi ;;
        esac
        jq -r --arg n "$name" --arg m "$m" --arg g "$gate" \
            '.grouping.ours // {alerts: 0, groups: 0} | "\($n) \($m) \(.alerts) \(.groups) \(if .alerts > 0 then "\(100 * (1 - .groups / .alerts) | floor)%" else "n/a" end) \(if .ari then .ari * 1000 | round / 1000 else "n/a" end) \($g)"' \
            "$rep" | awk '{printf "%-24s %-9s %6s %7s %9s %6s %6s\n", $1, $2, $3, $4, $5, $6, $7}'
    done
done
[ $err = 0 ] || exit 2
[ $fail = 0 ] || { echo "cluster-eval: a gate failed"; exit 1; }
echo "cluster-eval: all storm scenarios pass (reduction >= 90 %, ARI >= 0.9)"
