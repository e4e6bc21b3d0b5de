# auto: the seed CPU series is found seasonal, a seasonal-family model is
# chosen, and the reason is printed by --verbose and kept in --save.
set -eu
tmp=$(mktemp -d /tmp/aiops-fit-auto.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$BIN/aiops-fit" -v --model auto --train 14d --no-samples --save "$tmp/m.json" tests/fixtures/fit/cpu-batch.tsv 2>"$tmp/err" >/dev/null
grep -Eq '^aiops-fit: cpu\{host="web-1"\}: (seasonal|holtwinters|sarima): seasonal: acf 0\.[0-9]+ at 24h, harmonic share 0\.[0-9]+, 14\.0d of 300s data; holdout MAE ' "$tmp/err" ||
    { echo "unexpected verbose line:"; cat "$tmp/err"; exit 1; }
jq -e '.series["cpu{host=\"web-1\"}"][0].reason | test("holdout MAE seasonal [0-9.]+, holtwinters [0-9.]+, sarima [0-9.]+, ewma [0-9.]+$")' "$tmp/m.json" >/dev/null ||
    { echo "reason not saved"; exit 1; }
# a short flat series gets a level model
"$BIN/aiops-fit" -v --model auto --no-samples --train 2h -m queue_depth tests/fixtures/fit/small.ndjson 2>"$tmp/err" >/dev/null
grep -Eq '^aiops-fit: queue_depth\{service="worker"\}: (ewma|robust): too short for seasonality' "$tmp/err" ||
    { echo "unexpected verbose line:"; cat "$tmp/err"; exit 1; }
echo "auto ok"
