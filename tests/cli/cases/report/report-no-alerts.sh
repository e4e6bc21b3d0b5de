#!/bin/sh
# An incident made of anomalies only (no alert fired in its window) gets
# no alert-storm chart instead of a gnuplot error ("all points y value
# undefined"), and the report is written.
set -eu
command -v gnuplot >/dev/null 2>&1 || { echo "skip: no gnuplot"; exit 0; }
d=$(mktemp -d /tmp/aiops-rep.XXXXXX)
trap 'rm -rf "$d"' EXIT
printf '%s\n' \
 '{"type":"anomaly","ts":1704186000,"name":"memory_usage_bytes","labels":{"service":"payments"},"start":1704186000,"state":"firing","value":9,"expected":1,"lower":0,"upper":2,"score":5,"model":"likelihood","service":"payments"}' \
 '{"type":"incident","ts":1704189600,"id":"inc-1","start":1704186000,"end":1704186000,"services":["payments"],"primary_service":"payments","alerts":[],"alert_count":0,"anomalies":1,"title":"memory_usage_bytes on 1 service, from payments"}' \
 > "$d/in.ndjson"
aiops-report -o "$d/out" "$d/in.ndjson" >/dev/null
test -s "$d/out/inc-1.html"
if grep -q 'Alert storm' "$d/out/inc-1.md"; then echo "FAIL: a storm chart without alerts"; exit 1; fi
echo ok
