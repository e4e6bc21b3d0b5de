#!/bin/sh
# An incident of one service stays one service when aiops-rca ranks other
# candidates: the report shows one service involved (the candidates are in
# their own section), ServiceNow's impact is that of one service, and the
# incident record's ts (when aiops-cluster closed it) is not a declaration.
set -eu
d=$(mktemp -d /tmp/aiops-rep.XXXXXX)
trap 'rm -rf "$d"' EXIT
f=tests/fixtures/report/one-service.ndjson
fail() { echo "FAIL: $*"; exit 1; }
aiops-report --no-charts -o "$d" "$f" >/dev/null
grep -qx '| services involved | 1 |' "$d/inc-1.md" || fail "services involved"
grep -qx '| declared | unknown |' "$d/inc-1.md" || fail "declared"
grep -qx '| time to declare (declared - start) | unknown |' "$d/inc-1.md" || fail "time to declare"
grep -q 'orders-db' "$d/inc-1.md" || fail "candidates not shown"
test "$(aiops-report --format servicenow "$f" | jq -c '[.impact, .urgency]')" = '["3","3"]' || fail impact
test "$(aiops-report --format pagerduty "$f" | jq -c '.payload.custom_details.services')" = '["warehouse"]' ||
    fail "pagerduty services"
echo ok
