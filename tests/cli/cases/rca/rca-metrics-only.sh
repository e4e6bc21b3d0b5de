# Metrics only (the spans dropped), as a new user would run it: without a
# graph, aiops-rca says on stderr that it has none and the evidence says
# callers and callees are unknown (not "calls no other service"); with a
# graph file written by hand in docs/RCA.md's JSON form, the structure is
# back ("with its caller", "callees"), and --graph -G prints the file's
# edges with their weights.
set -eu
tmp=$(mktemp -d /tmp/aiops-rca-mo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
aiops-simulate --stream scenarios/error-burst.json > "$tmp/all.ndjson"
grep -v '"type":"span"' "$tmp/all.ndjson" > "$tmp/m.ndjson"
aiops-rca --rca-only --on label -k 3 "$tmp/m.ndjson" > "$tmp/no.out" 2> "$tmp/no.err"
grep -q '^aiops-rca: note: no service graph (no span crossed services and no -G FILE)' "$tmp/no.err"
grep -q 'callers and callees unknown' "$tmp/no.out"
! grep -q 'calls no other service\|random walk' "$tmp/no.out"
# the graph by hand: every edge the simulator's spans show, as JSON edges
aiops-rca --graph "$tmp/all.ndjson" 2>/dev/null |
    jq -c '{edges: [.edges[] | {from, to, weight: 2}]}' > "$tmp/g.json"
aiops-rca --rca-only --on label -k 3 -G "$tmp/g.json" "$tmp/m.ndjson" > "$tmp/g.out" 2> "$tmp/g.err"
! grep -q 'no service graph' "$tmp/g.err"
! grep -q 'callers and callees unknown' "$tmp/g.out"
grep -q 'callees\|calls no other service' "$tmp/g.out"
# the graph the ranking uses: the file's edges, weight 2 each (no spans)
n=$(jq '.edges | length' "$tmp/g.json")
[ "$n" -gt 0 ]
aiops-rca --graph -G "$tmp/g.json" "$tmp/m.ndjson" 2>/dev/null |
    jq -e --argjson n "$n" '(.edges | length) == $n and all(.edges[]; .weight == 2)' > /dev/null
# --graph ranks nothing: no note
aiops-rca --graph "$tmp/m.ndjson" > /dev/null 2> "$tmp/gr.err"
! grep -q 'no service graph' "$tmp/gr.err"
