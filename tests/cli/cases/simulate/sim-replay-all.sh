#!/bin/sh
# The whole simulated archive replays: every record type aiops-simulate
# reports (samples, logs, spans, events, alerts, labels) comes back from the
# archive with exactly the same count.  Jaeger and OTLP hold the same traces,
# so each one alone must give the span count.
set -u
t=$(mktemp -d /tmp/sim-all.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-replay-all: $*"; exit 1; }
"$BIN/aiops-simulate" scenarios/checkout-db-outage.json --stats -o "$t/a.tar.zst" \
    2>"$t/sim.stats" || fail "simulate failed"
"$BIN/aiops-replay" --stats -o /dev/null "$t/a.tar.zst" \
    --members 'metrics/*' --members 'logs/*' --members 'traces/jaeger/*' \
    --members 'events/*' --members 'alerts/*' --members labels.ndjson \
    2>"$t/replay.stats" || fail "replay failed: $(tail -1 "$t/replay.stats")"
for type in sample log span event alert label; do
    want=$(awk -v w=$type '$2 == w { print $1 }' "$t/sim.stats")
    got=$(awk -v w="($type" '$2 == w { print $1 }' "$t/replay.stats")
    [ -n "$want" ] && [ "$want" -gt 0 ] || fail "the simulator wrote no $type records"
    [ "$got" = "$want" ] || fail "$type: replay gave ${got:-0}, the simulator wrote $want"
done
spans=$(awk '$2 == "span" { print $1 }' "$t/sim.stats")
otlp=$("$BIN/aiops-replay" --stats -o /dev/null --members 'traces/otlp/*' "$t/a.tar.zst" 2>&1 |
       awk '$2 == "(span" { print $1 }')
[ "$otlp" = "$spans" ] || fail "OTLP gave $otlp spans, Jaeger and the simulator $spans"
exit 0
