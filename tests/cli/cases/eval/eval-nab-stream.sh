# NAB score of a stream: replayed NAB series (named after the file stem)
# plus anomaly records score the same as NAB's own result file does.
# Built from numenta's nyc_taxi results: rows with anomaly_score >= the
# standard threshold become anomaly records.  Needs ../shared/datasets/nab.
set -eu
N=../shared/datasets/nab
[ -f "$N/reference-results.tar.zst" ] || { echo "skipped: $N not present"; exit 0; }
t=$(mktemp -d /tmp/aiops-eval-nab.XXXXXX)
trap 'rm -rf "$t"' EXIT
thr=$(jq -r .numenta.standard.threshold "$N/config/thresholds.json")
zstd -dc "$N/reference-results.tar.zst" | tar -xO numenta/realKnownCause/numenta_nyc_taxi.csv > "$t/numenta_nyc_taxi.csv"
"$BIN/aiops-replay" "$N/data/realKnownCause/nyc_taxi.csv" > "$t/stream.ndjson"
awk -F, -v thr="$thr" 'NR > 1 && $3 + 0 >= thr + 0 {
    printf "{\"type\":\"anomaly\",\"ts\":\"%s\",\"name\":\"nyc_taxi\",\"start\":\"%s\",\"value\":%s,\"score\":%s,\"model\":\"numenta\"}\n", $1, $1, $2, $3 }' \
    "$t/numenta_nyc_taxi.csv" > "$t/anomalies.ndjson"
a=$("$BIN/aiops-eval" --nab-windows "$N/labels/combined_windows.json" "$t/stream.ndjson" "$t/anomalies.ndjson" |
    jq -c '.nab | [.files, .windows, .standard.raw, .standard.detected, .standard.fp_rows]')
b=$("$BIN/aiops-eval" --nab-windows "$N/labels/combined_windows.json" --nab-threshold "$thr" --nab-results "$t" |
    jq -c '.nab | [.files, .windows, .standard.raw, .standard.detected, .standard.fp_rows]')
echo "stream $a, results $b"
[ "$a" = "$b" ] && [ "$(echo "$a" | jq '.[0]')" = 1 ] && [ "$(echo "$a" | jq '.[1]')" = 5 ]
