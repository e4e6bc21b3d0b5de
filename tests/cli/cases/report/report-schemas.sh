# Every hand-off payload (--format X) validates against the JSON schema
# written from the vendor's API documentation (tests/schemas/X.schema.json),
# on the fixture incident (hostile text in titles, labels and services) and
# on the demo archive's labels; a payload broken on purpose is rejected.
set -eu
command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 0; }
tmp=$(mktemp -d /tmp/aiops-schemas.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fx=tests/fixtures/report/incident.ndjson
for f in pagerduty opsgenie slack servicenow alertmanager grafana; do
    "$BIN/aiops-report" --format "$f" --resolve --groups tests/fixtures/report/groups.json "$fx" > "$tmp/$f.ndjson"
    [ -s "$tmp/$f.ndjson" ] || { echo "$f: no payload"; exit 1; }
    python3 tests/schemas/validate.py "tests/schemas/$f.schema.json" "$tmp/$f.ndjson" 2>/dev/null ||
        { echo "$f: invalid"; python3 tests/schemas/validate.py "tests/schemas/$f.schema.json" "$tmp/$f.ndjson"; exit 1; }
done
# pagerduty --resolve: a trigger, then a resolve with the same dedup_key
[ "$(wc -l < "$tmp/pagerduty.ndjson")" -eq 2 ]
grep -q '"event_action":"resolve","dedup_key":"aiops-INC-7"}' "$tmp/pagerduty.ndjson"
grep -q '"assignment_group":"Database <Team>"' "$tmp/servicenow.ndjson"
grep -q '"category":"database"' "$tmp/servicenow.ndjson"
grep -q '"time":1700003600000,"timeEnd":1700004860000' "$tmp/grafana.ndjson"
# the validator rejects a payload against the vendor's rules
sed 's/"priority":"P1"/"priority":"P9"/' "$tmp/opsgenie.ndjson" > "$tmp/bad.ndjson"
if python3 tests/schemas/validate.py tests/schemas/opsgenie.schema.json "$tmp/bad.ndjson" >/dev/null 2>&1; then
    echo "a bad priority passed"; exit 1
fi
sed 's/"routing_key":"[^"]*"/"routing_key":"short"/' "$tmp/pagerduty.ndjson" > "$tmp/bad.ndjson"
if python3 tests/schemas/validate.py tests/schemas/pagerduty.schema.json "$tmp/bad.ndjson" >/dev/null 2>&1; then
    echo "a bad routing key passed"; exit 1
fi
# the demo archive: one payload per incident
if [ -f datasets/demo/demo.tar.zst ]; then
    "$BIN/aiops-replay" --members labels.ndjson datasets/demo/demo.tar.zst > "$tmp/labels.ndjson"
    for f in pagerduty opsgenie slack servicenow alertmanager grafana; do
        "$BIN/aiops-report" --format "$f" "$tmp/labels.ndjson" > "$tmp/d.ndjson"
        [ "$(wc -l < "$tmp/d.ndjson")" -eq 2 ]
        python3 tests/schemas/validate.py "tests/schemas/$f.schema.json" "$tmp/d.ndjson" 2>/dev/null
    done
fi
echo ok
