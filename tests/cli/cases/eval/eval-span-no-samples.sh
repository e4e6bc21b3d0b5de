# Issue 19 item 4: false alarms per day come out the same whether aiops-fit
# passes the samples on or not (the span is the range aiops-fit scored, its
# "scored" record: 2024-03-05T00:00Z..2024-03-24T23:55Z, 31 false alarms in
# 19.997 days; without that record, the hull of the labels and the
# detections, 2024-03-05T02:00Z..2024-03-24T16:00Z), and --span sets the period (a zone-less --span is read in
# --tz: Berlin is UTC+1 in March, so the 21 days start at 23:00Z).
set -eu
F=tests/fixtures/fit
t=$(mktemp -d /tmp/aiops-eval-span.XXXXXX)
trap 'rm -rf "$t"' EXIT
"$BIN/aiops-fit" --model ewma --train 1d "$F/cpu-batch.tsv" > "$t/all.ndjson"
"$BIN/aiops-fit" --model ewma --train 1d --no-samples "$F/cpu-batch.tsv" > "$t/anom.ndjson"
grep -q '"type":"sample"' "$t/all.ndjson" && ! grep -q '"type":"sample"' "$t/anom.ndjson"
for s in all anom; do
    "$BIN/aiops-eval" --labels "$F/cpu-batch-labels.ndjson" "$t/$s.ndjson" |
        jq -c '[.detection.event.false_alarms, .detection.event.false_per_day, .detection.span]' > "$t/$s.out"
done
cmp "$t/all.out" "$t/anom.out" || { cat "$t/all.out" "$t/anom.out"; exit 1; }
[ "$(cat "$t/all.out")" = '[31,1.550269143948602,{"from":"2024-03-05T00:00:00Z","to":"2024-03-24T23:55:00Z","days":19.99652777777778,"source":"scored"}]' ] ||
    { cat "$t/all.out"; exit 1; }
jq -c 'select(.type == "anomaly")' "$t/anom.ndjson" |
    "$BIN/aiops-eval" --labels "$F/cpu-batch-labels.ndjson" |
    jq -c '[.detection.event.false_alarms, .detection.event.false_per_day, .detection.span]' > "$t/bare.out"
[ "$(cat "$t/bare.out")" = '[31,1.5829787234042554,{"from":"2024-03-05T02:00:00Z","to":"2024-03-24T16:00:00Z","days":19.583333333333332,"source":"labels and detections"}]' ] ||
    { cat "$t/bare.out"; exit 1; }
for s in all anom; do
    "$BIN/aiops-eval" --tz Europe/Berlin --span '2024-03-04 00:00..2024-03-25 00:00' \
        --labels "$F/cpu-batch-labels.ndjson" "$t/$s.ndjson" |
        jq -c '[.detection.event.false_per_day, .detection.span.from, .detection.span.source]' > "$t/$s.out"
    [ "$(cat "$t/$s.out")" = '[1.4761904761904763,"2024-03-03T23:00:00Z","option"]' ] ||
        { cat "$t/$s.out"; exit 1; }
done
