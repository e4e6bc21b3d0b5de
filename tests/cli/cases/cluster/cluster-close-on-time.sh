#!/bin/sh
# An incident closes after --close-after of stream time, counted on every
# record that passes, not only on the next alert: with an alert at 00:00,
# samples every 10 minutes and the next alert at 05:00, inc-1 (ts 00:30,
# when it closed) is written before the sample of 00:40, the first record
# past 00:30, not after the sample of 04:50 (out of time order).
set -eu
t0=1704067200
{
    echo "{\"type\":\"alert\",\"ts\":$t0,\"name\":\"HighCPU\",\"state\":\"firing\",\"service\":\"db\",\"fingerprint\":\"a1\"}"
    i=1
    while [ $i -le 29 ]; do
        echo "{\"type\":\"sample\",\"ts\":$((t0 + i * 600)),\"name\":\"cpu\",\"labels\":{\"service\":\"db\"},\"value\":0.5}"
        i=$((i + 1))
    done
    echo "{\"type\":\"alert\",\"ts\":$((t0 + 18000)),\"name\":\"HighCPU\",\"state\":\"firing\",\"service\":\"web\",\"fingerprint\":\"b2\"}"
} | aiops-cluster > out.$$ || { rm -f out.$$; exit 1; }
got=$(jq -c 'select(.type == "incident") | [.id, .ts - '$t0']' out.$$ | head -n 1)
line=$(grep -n '"type":"incident"' out.$$ | head -n 1 | cut -d: -f1)
rm -f out.$$
[ "$got" = '["inc-1",1800]' ] || { echo "first incident: $got"; exit 1; }
[ "$line" = 5 ] || { echo "inc-1 on line $line, expected 5 (before the sample of 00:40)"; exit 1; }
echo ok
