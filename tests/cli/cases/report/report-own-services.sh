#!/bin/sh
# An incident of one service stays one service when aiops-rca ranks other
# candidates: the report shows one service involved (the candidates are in
# their own section), ServiceNow's impact is that of one service, and the
# incident record's ts (when aiops-cluster closed it) is not a declaration.
set -eu
d=$(mktemp -d /tmp/aiops-rep.XXXXXX)
trap 'rm -rf "$d"' EXIT
f=tests/fixtures/report/one-service.ndjson
aiops-report --no-charts -o "$d" "$f" >/dev/null
grep '^| services involved |' "$d/inc-1.md"
grep '^| declared |' "$d/inc-1.md"
grep '^| time to declare' "$d/inc-1.md"
grep -c '^- geo$' "$d/inc-1.md" || true
aiops-report --format servicenow "$f" | jq -c '{impact, urgency}'
aiops-report --format pagerduty "$f" | jq -c '.payload.custom_details.services'
