#!/bin/sh
# aiops-simulate: replaying the archive's metrics (and the --stream output)
# with aiops-replay gives exactly the sample count the simulator reports.
set -u
t=$(mktemp -d /tmp/sim-replay.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-replay-counts: $*"; exit 1; }
count() { awk -v w="$2" '$2 == w { print $1 }' "$1"; }
"$BIN/aiops-simulate" scenarios/checkout-db-outage.json --days 2 --stats -o "$t/a.tar.zst" \
    2>"$t/sim.stats" || fail "simulate failed"
want=$(count "$t/sim.stats" sample)
[ "$want" -eq $((576 * 20 * 10)) ] || fail "simulator reports $want samples, expected 115200"
mkdir "$t/x" && zstd -qdc "$t/a.tar.zst" | tar -xf - -C "$t/x" metrics labels.ndjson ||
    fail "extract failed"
"$BIN/aiops-replay" --stats "$t/x/metrics" >"$t/replay.ndjson" 2>"$t/replay.stats" ||
    fail "aiops-replay failed: $(cat "$t/replay.stats")"
got=$(awk '$2 == "(sample" { print $1 }' "$t/replay.stats")
[ "$got" = "$want" ] || fail "replay gave $got samples, the simulator wrote $want"
[ "$(awk '$2 ~ /service="/' "$t/replay.stats" | wc -l)" -eq 200 ] || fail "expected 200 series"
# spot check: db-orders is down during the incident, up before it
jq -e -s '[.[] | select(.name == "up" and .labels.service == "db-orders")] as $u
          | ($u | map(select(.ts == 1704204000)) | .[0].value) == 0
          and ($u | map(select(.ts == 1704203700)) | .[0].value) == 1' "$t/replay.ndjson" \
    >/dev/null || fail "up{service=db-orders} is not 0 during the outage"
# the label record replays as a stream record
"$BIN/aiops-replay" --stats "$t/x/labels.ndjson" 2>&1 >/dev/null | grep -q '^1 *(label records)' ||
    fail "labels.ndjson does not replay as one label record"
# --stream: everything, in time order, with the same counts
"$BIN/aiops-simulate" scenarios/checkout-db-outage.json --days 2 --stream --stats \
    -o "$t/s.ndjson" 2>"$t/stream.stats" || fail "simulate --stream failed"
"$BIN/aiops-replay" --stats "$t/s.ndjson" 2>"$t/rs.stats" >/dev/null || fail "replay of the stream failed"
for ty in sample log span event alert label; do
    a=$(count "$t/stream.stats" "$ty")
    b=$(awk -v w="($ty" '$2 == w { print $1 }' "$t/rs.stats")
    [ "${a:-0}" = "${b:-0}" ] || fail "--stream: $ty: simulator says ${a:-0}, replay counts ${b:-0}"
done
[ "$(count "$t/stream.stats" sample)" = "$want" ] || fail "--stream and the archive differ in samples"
exit 0
