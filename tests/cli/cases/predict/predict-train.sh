# Train on a simulated leak and a quiet day, then score another seed: the
# model file is complete JSON (written through a temporary name), the
# report names the lead times and the features, and the warnings carry
# probability, ETA band, lead time and drivers.
set -eu
d=$(mktemp -d /tmp/aiops-predict-cli.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$BIN/aiops-simulate" scenarios/memory-leak.json --seed 7 --stream -o "$d/a.ndjson"
"$BIN/aiops-simulate" scenarios/latency-degradation.json --seed 7 --stream -o "$d/b.ndjson"
"$BIN/aiops-simulate" scenarios/memory-leak.json --seed 8 --stream -o "$d/c.ndjson"
for f in a b c; do jq -c 'select(.type == "label")' "$d/$f.ndjson" > "$d/$f.labels"; done
"$BIN/aiops-predict" --train -l "$d/a.labels" "$d/a.ndjson" -l "$d/b.labels" "$d/b.ndjson" \
    -o "$d/model.json" --dump-features "$d/m.csv" 2> "$d/report"
grep -q 'first signs appear a median of [0-9]* min before' "$d/report"
grep -q 'feature importance (standardised coefficients): ' "$d/report"
jq -e '.aiops_predict_model == 1 and (.coef | length) == 10 and .threshold >= 0.5 and
       .train.positives == 6 and .train.leads.incidents == 2' "$d/model.json" >/dev/null
[ -z "$(ls "$d" | grep tmp)" ]
head -1 "$d/m.csv" | grep -q '^y,w,error_trend,latency_trend,cpu_trend,memory_trend,disk_trend,memory_leak,saturation,variance_change,anomaly_score,changes$'
[ "$(grep -c '^1,' "$d/m.csv")" = 6 ]
"$BIN/aiops-predict" --model "$d/model.json" "$d/c.ndjson" > "$d/warn.ndjson"
jq -e -s 'map(select(.state == "firing" and .kind == "incident_risk")) | length >= 1 and
          all(.[]; .probability >= 0.5 and .eta_lower <= .eta and .eta <= .eta_upper and
              .lead_time > 0 and (.features | length) >= 1)' "$d/warn.ndjson" >/dev/null
# every warning is resolved once the OOM kills start
jq -e -s '(map(select(.state == "firing")) | length) == (map(select(.state == "resolved")) | length)' \
    "$d/warn.ndjson" >/dev/null
