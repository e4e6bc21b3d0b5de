# --tune: against the seed scenario's label (the day-21 problem) the
# seasonal model's interval is widened until the night-time noise no longer
# alarms; the tune record shows the objective before/after, --save keeps the
# tuned width, and a --load run with it finds the problem with fewer alarms.
set -eu
f=tests/fixtures/fit/cpu-batch.tsv
l=tests/fixtures/fit/cpu-batch-labels.ndjson
tmp=$(mktemp -d /tmp/aiops-fit-tune.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for obj in f1 nab recall-at-fa:0.5; do
    "$BIN/aiops-fit" --model seasonal --tune --labels "$l" --objective $obj --no-samples \
        --save "$tmp/m.json" "$f" | jq -c 'select(.type != "scored")' >"$tmp/out"
    [ "$(wc -l <"$tmp/out")" = 1 ] || { echo "$obj: expected only the tune record"; cat "$tmp/out"; exit 1; }
    jq -e --arg o "$obj" '.type == "tune" and .objective == $o and .model == "seasonal" and
        .series == "cpu{host=\"web-1\"}" and .before.params.width == 0.99 and
        .after.params.width > 0.99 and .after.value > (.before.value // -1) and
        .after.recall == 1 and .after.alarms < .before.alarms' "$tmp/out" >/dev/null ||
        { echo "$obj: unexpected tune record"; cat "$tmp/out"; exit 1; }
    w=$(jq '.after.params.width' "$tmp/out")
    jq -e ".series[\"cpu{host=\\\"web-1\\\"}\"][0].params.width == $w" "$tmp/m.json" >/dev/null ||
        { echo "$obj: tuned width not saved"; exit 1; }
done
# per metric name; ewma tunes k and alpha
"$BIN/aiops-fit" --model ewma --tune --tune-by name --labels "$l" --no-samples "$f" >"$tmp/out"
jq -e '.name == "cpu" and .model == "ewma" and .series_count == 1 and (.after.params | has("k") and has("alpha"))' \
    "$tmp/out" >/dev/null || { echo "tune-by name"; cat "$tmp/out"; exit 1; }
echo "tune ok"
