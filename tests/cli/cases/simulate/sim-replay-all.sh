#!/bin/sh
# The whole simulated archive replays: every record type aiops-simulate
# reports (samples, logs, spans, events, alerts, labels) comes back from the
# archive with exactly the same count.  The archive holds one trace format,
# so replaying all its traces gives each span once; Jaeger (the default),
# OTLP and Zipkin archives give the same spans.
set -u
t=$(mktemp -d /tmp/sim-all.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-replay-all: $*"; exit 1; }
"$BIN/aiops-simulate" scenarios/checkout-db-outage.json --stats -o "$t/a.tar.zst" \
    2>"$t/sim.stats" || fail "simulate failed"
"$BIN/aiops-replay" --stats -o /dev/null "$t/a.tar.zst" \
    --members 'metrics/*' --members 'logs/*' --members 'traces/*' \
    --members 'events/*' --members 'alerts/*' --members labels.ndjson \
    2>"$t/replay.stats" || fail "replay failed: $(tail -1 "$t/replay.stats")"
for type in sample log span event alert label; do
    want=$(awk -v w=$type '$2 == w { print $1 }' "$t/sim.stats")
    got=$(awk -v w="($type" '$2 == w { print $1 }' "$t/replay.stats")
    [ -n "$want" ] && [ "$want" -gt 0 ] || fail "the simulator wrote no $type records"
    [ "$got" = "$want" ] || fail "$type: replay gave ${got:-0}, the simulator wrote $want"
done
spans=$(awk '$2 == "span" { print $1 }' "$t/sim.stats")
"$BIN/aiops-replay" -t span --members 'traces/*' "$t/a.tar.zst" | jq -r .span_id | sort >"$t/ids.j"
[ "$(wc -l <"$t/ids.j")" -eq "$spans" ] || fail "replaying the traces gave $(wc -l <"$t/ids.j") spans, not $spans"
[ -z "$(uniq -d "$t/ids.j")" ] || fail "a span id is replayed twice: $(uniq -d "$t/ids.j" | head -1)"
for f in otlp zipkin; do
    "$BIN/aiops-simulate" scenarios/checkout-db-outage.json --trace-format $f -o "$t/$f.tar.zst" ||
        fail "simulate --trace-format $f failed"
    "$BIN/aiops-replay" -t span --members 'traces/*' "$t/$f.tar.zst" | jq -r .span_id | sort >"$t/ids.$f"
    cmp -s "$t/ids.j" "$t/ids.$f" || fail "$f: not the spans of the Jaeger archive"
done
exit 0
