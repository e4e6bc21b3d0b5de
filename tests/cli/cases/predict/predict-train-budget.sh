# A false-warning budget that allows less than one warning over the
# training's negative ticks (0.25 a day over 1.6 days) is said on stderr,
# with the figures; a budget that allows one or more is not.
set -eu
d=$(mktemp -d /tmp/aiops-predict-budget.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$BIN/aiops-simulate" scenarios/memory-leak.json --seed 7 --stream -o "$d/a.ndjson"
jq -c 'select(.type == "label")' "$d/a.ndjson" > "$d/a.labels"
"$BIN/aiops-predict" --train -l "$d/a.labels" "$d/a.ndjson" -o "$d/m.json" 2> "$d/err"
jq -e '.train.negative_days > 1.5 and .train.negative_days < 1.7' "$d/m.json" >/dev/null
grep -q '^aiops-predict: note: --false-per-day 0.25 over 1.6 days of negative ticks allows no false warning at all' "$d/err"
"$BIN/aiops-predict" --train -l "$d/a.labels" "$d/a.ndjson" -o "$d/m.json" --false-per-day 1 2> "$d/err"
! grep -q 'note:' "$d/err"
