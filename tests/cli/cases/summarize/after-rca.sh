#!/bin/sh
# after-rca.sh - the chain replay | fit | cluster | rca | summarize on a
# simulated archive: aiops-rca writes each ranking just ahead of the
# incident record of the same time, and every summary must still lead its
# "Probable cause" with that ranking's top candidate (it once said "no
# root-cause ranking" for every incident but those updated later).
set -eu
t=$(mktemp -d /tmp/aiops-sum-rca.XXXXXX)
trap 'rm -rf "$t"' EXIT
"$BIN/aiops-simulate" scenarios/cpu-saturation.json -o "$t/a.tar.zst" 2>/dev/null
"$BIN/aiops-replay" "$t/a.tar.zst" 2>/dev/null | "$BIN/aiops-fit" 2>/dev/null |
    "$BIN/aiops-cluster" 2>/dev/null | "$BIN/aiops-rca" 2>/dev/null >"$t/chain.ndjson"
"$BIN/aiops-summarize" --offline "$t/chain.ndjson" >"$t/all.ndjson"
# the rankings of the incidents aiops-cluster opened: incident id -> top service
jq -r 'select(.type == "incident") | .id' "$t/chain.ndjson" | sort -u >"$t/ids"
jq -r 'select(.type == "rca") | "\(.incident) \(.candidates[0].service)"' "$t/chain.ndjson" |
    sort -u >"$t/top"
n=0
while read -r id; do
    svc=$(awk -v i="$id" '$1 == i {print $2}' "$t/top")
    [ -n "$svc" ] || { echo "no ranking for $id"; exit 1; }
    jq -r --arg i "$id" 'select(.type == "summary" and .incident == $i) | .text' "$t/all.ndjson" >"$t/s.txt"
    grep -q -F -e "- The top root-cause candidate is $svc (score " "$t/s.txt" ||
        { echo "summary of $id does not lead with $svc:"; cat "$t/s.txt"; exit 1; }
    if grep -q "no root-cause ranking" "$t/s.txt"; then echo "$id: says no ranking"; exit 1; fi
    n=$((n + 1))
done <"$t/ids"
[ "$n" -ge 2 ] || { echo "only $n incidents"; exit 1; }
# the CPU-saturated service of the labelled incident ranks first there
jq -r 'select(.type == "summary") | .text' "$t/all.ndjson" |
    grep -q -F -e "- The top root-cause candidate is search (score "
