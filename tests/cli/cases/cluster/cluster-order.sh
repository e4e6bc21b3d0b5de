# Every method keeps the stream in time order (docs/FORMAT.md), with the
# other records passed through between the alerts: an incident is stamped
# when it closed, and records behind held alerts (dbscan segments,
# group_wait, inhibition) wait with them.  Nothing is lost: out = in +
# incidents.  Found end to end: aiops-rca refused aiops-cluster's output.
set -eu
tmp=$(mktemp -d /tmp/aiops-cluster-order.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$BIN/aiops-simulate" --stream scenarios/storm-overlap.json | "$BIN/aiops-fit" > "$tmp/in.ndjson"
n=$(wc -l < "$tmp/in.ndjson")
for m in default dbscan group-by; do
    "$BIN/aiops-cluster" --method "$m" "$tmp/in.ndjson" > "$tmp/out.ndjson"
    back=$(jq -s '[.[].ts] as $t | [range(1; length) | select($t[.] < $t[. - 1])] | length' "$tmp/out.ndjson")
    inc=$(grep -c '"type":"incident"' "$tmp/out.ndjson")
    out=$(wc -l < "$tmp/out.ndjson")
    [ "$back" = 0 ] || { echo "$m: $back records go back in time"; exit 1; }
    [ "$inc" -gt 0 ] || { echo "$m: no incident"; exit 1; }
    [ "$out" = $((n + inc)) ] || { echo "$m: $out records out, $n in + $inc incidents"; exit 1; }
    # and the next stage takes it
    "$BIN/aiops-rca" "$tmp/out.ndjson" > /dev/null
done
echo "order ok"
