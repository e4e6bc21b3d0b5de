#!/bin/sh
# simulated.sh - aiops-summarize end to end on a simulated archive: the
# checkout-db-outage scenario through aiops-replay, its label turned into
# an incident record by jq (standing in for aiops-cluster), summarised
# offline.  The context must hold the db-orders restarts before and during
# the incident and the log templates the outage made frequent, with real
# example lines; the Markdown report must have every section.
set -eu
t=$(mktemp -d /tmp/aiops-sum-sim.XXXXXX)
trap 'rm -rf "$t"' EXIT
"$BIN/aiops-simulate" scenarios/checkout-db-outage.json -o "$t/a.tar.zst" 2>/dev/null
"$BIN/aiops-replay" "$t/a.tar.zst" 2>/dev/null |
    jq -c 'if .type == "label" then {type: "incident", ts: .end, id: .id, start: .start, end: .end,
           services: .affected, title: .title, alerts: .alerts} else . end' >"$t/stream.ndjson"
"$BIN/aiops-summarize" --offline "$t/stream.ndjson" >"$t/all.ndjson"
# the stream goes on (to aiops-report): every input record, then the
# summary, in time order
[ "$(wc -l <"$t/all.ndjson")" = "$(($(wc -l <"$t/stream.ndjson") + 1))" ]
[ "$(jq -s '[.[].ts] as $x | [range(1; length) | select($x[.] < $x[. - 1])] | length' "$t/all.ndjson")" = 0 ]
jq -c 'select(.type == "summary")' "$t/all.ndjson" >"$t/s.ndjson"
[ "$(jq -r '[.incident, .generator] | join(" ")' "$t/s.ndjson")" = "INC-1 offline" ]
jq -e '.features.services | index("db-orders")' "$t/s.ndjson" >/dev/null
jq -e '.features.templates | map(select(test("context deadline exceeded"))) | length == 1' \
    "$t/s.ndjson" >/dev/null
jq -e '.signature == "crash_loop"' "$t/s.ndjson" >/dev/null
"$BIN/aiops-summarize" --offline --markdown "$t/stream.ndjson" >"$t/s.md"
for h in "## Incident INC-1: orders database unreachable" "### What happened" "### Impact" \
         "### Probable cause" "### Timeline" "### Next steps"; do
    grep -q -F -x -e "$h" "$t/s.md" || { echo "no '$h' in:"; cat "$t/s.md"; exit 1; }
done
grep -q 'BackOff (Warning): Back-off restarting failed container db-orders' "$t/s.md"
grep -q 'for example `level=error msg="call failed" upstream=db-orders' "$t/s.md"
