#!/bin/sh
# The scenario library: every file loads and runs, every fault kind is
# covered, several scenarios overlap two incidents, "quiet" has none, and
# the labels match the faults.
set -u
t=$(mktemp -d /tmp/sim-lib.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-scenarios: $*"; exit 1; }
# scenario files only: NAME.expect.json / NAME.eval.json are make eval's
list=$(ls scenarios/*.json | grep -v -e '\.expect\.json$' -e '\.eval\.json$')
n=0
for s in $list; do
    n=$((n + 1))
    "$BIN/aiops-simulate" "$s" --days 2 --step 10m --stream >"$t/out" 2>"$t/err" ||
        fail "$s: $(cat "$t/err")"
    # faults starting within the 2 simulated days: "at" offsets below "2d"
    # (all library faults use "at"; "16h", "1d14h" count, "2d15h" does not)
    want=$(jq '[.faults[] | select(.at | test("^([01]d|[0-9]+h)"))] | length' "$s")
    got=$(grep -c '"type":"label"' "$t/out")
    [ "$got" -eq "$want" ] || fail "$s: $got labels, expected $want (faults in the first 2 days)"
done
[ "$n" -ge 10 ] || fail "only $n scenarios"
for k in latency error_burst cpu_saturation memory_leak disk_fill bad_deploy \
         dependency_outage traffic_spike network_partition; do
    jq -e --arg k "$k" 'any(.faults[]; .kind == $k)' $list | grep -q true ||
        fail "no scenario has a $k fault"
done
[ "$(jq '.faults | length' scenarios/quiet.json)" -eq 0 ] || fail "quiet.json has faults"
[ "$(for s in $list; do jq '.faults | length' "$s"; done | grep -c '^2$')" -ge 3 ] ||
    fail "expected at least 3 scenarios with two incidents"
exit 0
