# Counters are modelled as per-second rates with Prometheus' reset handling:
# a counter that restarts mid-series (5399 -> 11) raises no anomaly, while
# modelled raw (--no-counter-rate) the reset fires and never resolves.
set -eu
tmp=$(mktemp -d /tmp/aiops-fit-ctr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# +10, +11, +12 a minute; the process restarts before the 401st sample
awk 'BEGIN { v = 1000; for (i = 0; i < 600; i++) { if (i == 400) v = 0; v += 10 + (i % 3)
    printf "%d\thttp_requests_total{job=\"api\"}\t%d\n", 1700000000 + i * 60, v } }' >"$tmp/c.tsv"
for m in ewma holtwinters; do
    "$BIN/aiops-fit" --model $m --period 1h --train 3h --no-samples --bands "$tmp/c.tsv" >"$tmp/$m"
    [ "$(jq -s 'map(select(.type == "anomaly")) | length' "$tmp/$m")" = 0 ] ||
        { echo "$m: anomaly on the rate"; jq -c 'select(.type == "anomaly")' "$tmp/$m"; exit 1; }
    # every band is a rate (about 11/60 per second), the reset point included
    jq -s -e 'map(select(.type == "band")) | length == 420 and
        all(.transform == "rate" and .expected > 0.16 and .expected < 0.21)' "$tmp/$m" >/dev/null ||
        { echo "$m: bands are not rates"; exit 1; }
done
"$BIN/aiops-fit" --model holtwinters --period 1h --train 3h --no-samples --no-counter-rate "$tmp/c.tsv" |
    jq -c 'select(.type == "anomaly") | [.ts, .state, .value, .transform]' >"$tmp/raw"
echo '[1700024000,"firing",11,null]' | cmp - "$tmp/raw"
# --counter: a series not named like a counter; the anomaly record says rate
awk 'BEGIN { v = 0; for (i = 0; i < 300; i++) { v += (i == 250 ? 600 : 10)
    printf "%d\tbytes_out{job=\"api\"}\t%d\n", 1700000000 + i * 60, v } }' >"$tmp/b.tsv"
"$BIN/aiops-fit" --model ewma --train 2h --no-samples --counter 'bytes_out{job="api"}' "$tmp/b.tsv" |
    jq -c 'select(.type == "anomaly") | [.ts, .state, .value, .transform]' >"$tmp/ctr"
printf '%s\n' '[1700015000,"firing",10,"rate"]' '[1700015060,"resolved",0.16666666666666666,"rate"]' |
    cmp - "$tmp/ctr" || { cat "$tmp/ctr"; exit 1; }
# typed by # TYPE in exposition text (no counter-like name), through the
# record stream: "metric_type" carries the type from aiops-replay to aiops-fit
# (600 scrapes concatenated, each with its # TYPE lines)
awk 'BEGIN { v = 1000
    for (i = 0; i < 600; i++) { if (i == 400) v = 0; v += 10 + (i % 3); t = 1700000000 + i * 60
        printf "# TYPE reqs counter\nreqs{job=\"api\"} %d %d000\n", v, t
        printf "# TYPE temp_total gauge\ntemp_total{job=\"api\"} %d %d000\n", v, t } }' >"$tmp/c.prom"
"$BIN/aiops-replay" "$tmp/c.prom" >"$tmp/c.ndjson"
[ "$(jq -r 'select(.name == "reqs") | .metric_type' "$tmp/c.ndjson" | uniq)" = counter ]
"$BIN/aiops-fit" --model holtwinters --period 1h --train 3h --no-samples --bands "$tmp/c.ndjson" |
    jq -s -c 'map(select(.type != "scored")) | group_by(.name) | map([.[0].name, (map(.transform) | unique), (map(select(.type == "anomaly")) | length)])' >"$tmp/typed"
# reqs: rated, no anomaly; temp_total: typed gauge, raw (its reset fires)
echo '[["reqs",["rate"],0],["temp_total",[null],1]]' | cmp - "$tmp/typed" || { cat "$tmp/typed"; exit 1; }
echo "counter ok"
