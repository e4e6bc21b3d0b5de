# --shard K/N (docs/SCALE.md): over a simulated archive (2 days at 10m of the demo
# scenario, its payments leak on day 2), three shards of aiops-replay and of
# aiops-fit together are the unsharded run record for record; each series is
# in exactly one shard; aiops-replay of the three outputs merges them back in
# time order; the three --save files loaded together are the unsharded
# model file and score the next day exactly as it does.
set -eu
tmp=$(mktemp -d /tmp/aiops-shard.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$BIN/aiops-simulate" --days 2 --step 10m -o "$tmp/a.tar.zst" scenarios/demo.json
"$BIN/aiops-simulate" --days 3 --step 10m --stream scenarios/demo.json |
    jq -c 'select(.ts >= 1704240000)' >"$tmp/day3.ndjson"        # 2024-01-03, not seen by fit

# replay: the union of the shards is the unsharded stream
"$BIN/aiops-replay" "$tmp/a.tar.zst" 2>/dev/null >"$tmp/all"
for k in 0 1 2; do
    "$BIN/aiops-replay" --shard $k/3 "$tmp/a.tar.zst" 2>/dev/null >"$tmp/r$k"
done
sort "$tmp/all" >"$tmp/all.s"
sort "$tmp/r0" "$tmp/r1" "$tmp/r2" | cmp -s - "$tmp/all.s" ||
    { echo "replay: the shards' union differs from the unsharded stream"; exit 1; }
# each shard holds a share of the series, and only shard 0 other records
for k in 0 1 2; do
    n=$(jq -r 'select(.type == "sample") | .name + (.labels | tostring)' "$tmp/r$k" | sort -u | wc -l)
    [ "$n" -ge 10 ] || { echo "replay: shard $k/3 has only $n series"; exit 1; }
done
jq -r 'select(.type == "sample") | .name + (.labels | tostring)' "$tmp/r0" "$tmp/r1" "$tmp/r2" |
    sort -u | wc -l >"$tmp/nser"
for k in 0 1 2; do
    jq -r 'select(.type == "sample") | .name + (.labels | tostring)' "$tmp/r$k" | sort -u
done | sort | uniq -d | wc -l | grep -qx 0 || { echo "replay: a series is in two shards"; exit 1; }
[ "$(jq -c 'select(.type != "sample")' "$tmp/r1" "$tmp/r2" | wc -l)" = 0 ] ||
    { echo "replay: a non-sample record outside shard 0"; exit 1; }
# merged back in time order by aiops-replay itself
"$BIN/aiops-replay" "$tmp/r0" "$tmp/r1" "$tmp/r2" >"$tmp/merged"
jq -r .ts "$tmp/merged" | sort -c -g || { echo "replay: the merge is not in time order"; exit 1; }
sort "$tmp/merged" | cmp -s - "$tmp/all.s" || { echo "replay: the merge lost or added records"; exit 1; }

# fit: the same, and the model files merge into the unsharded one
"$BIN/aiops-fit" --save "$tmp/all.json" "$tmp/a.tar.zst" 2>/dev/null >"$tmp/fall"
for k in 0 1 2; do
    "$BIN/aiops-fit" --shard $k/3 --save "$tmp/s$k.json" "$tmp/a.tar.zst" 2>/dev/null >"$tmp/f$k"
done
[ "$(grep -c '"type":"anomaly"' "$tmp/fall")" -ge 2 ] || { echo "fit: no anomaly to compare"; exit 1; }
grep -hv '"type":"scored"' "$tmp/f0" "$tmp/f1" "$tmp/f2" | sort >"$tmp/fu.s"
grep -v '"type":"scored"' "$tmp/fall" | sort | cmp -s - "$tmp/fu.s" ||
    { echo "fit: the shards' union differs from the unsharded output"; exit 1; }
# the per-shard "scored" records add up to the unsharded one
jq -s -c 'map(select(.type == "scored")) | [(map(.from) | min), (map(.to) | max),
          (map(.series) | add), (map(.points) | add)]' "$tmp/f0" "$tmp/f1" "$tmp/f2" >"$tmp/sc"
jq -s -c 'map(select(.type == "scored")) | [.[0].from, .[0].to, .[0].series, .[0].points]' \
    "$tmp/fall" | cmp -s - "$tmp/sc" || { echo "fit: scored records do not add up"; exit 1; }
# model files: the three loaded together == the unsharded file, after the
# same load and save (the likelihood model keeps its histograms as floats)
"$BIN/aiops-fit" --load "$tmp/s0.json" --load "$tmp/s1.json" --load "$tmp/s2.json" \
    --save "$tmp/merged.json" </dev/null >/dev/null
"$BIN/aiops-fit" --load "$tmp/all.json" --save "$tmp/all-rt.json" </dev/null >/dev/null
jq -S . "$tmp/merged.json" >"$tmp/m.j"
jq -S . "$tmp/all-rt.json" | cmp -s - "$tmp/m.j" ||
    { echo "fit: merged model files differ from the unsharded one"; exit 1; }
[ "$(jq '.series | length' "$tmp/all.json")" = "$(cat "$tmp/nser")" ] ||
    { echo "fit: the model file does not hold every series"; exit 1; }
# ... and score day 3 as the unsharded models do
"$BIN/aiops-fit" --load "$tmp/all.json" --no-samples "$tmp/day3.ndjson" >"$tmp/o1"
"$BIN/aiops-fit" --load "$tmp/s0.json" --load "$tmp/s1.json" --load "$tmp/s2.json" \
    --no-samples "$tmp/day3.ndjson" >"$tmp/o2"
cmp -s "$tmp/o1" "$tmp/o2" || { echo "fit: merged models score day 3 differently"; exit 1; }
grep -q '"type":"anomaly"' "$tmp/o1" || { echo "fit: day 3 has no anomaly"; exit 1; }

# cluster takes the merged stream: the same incidents (members at one time
# may come in another order)
inc() { jq -c 'select(.type == "incident") | [.id, .start, .end, (.services | sort),
               (.alerts | sort), .primary_service]'; }
"$BIN/aiops-cluster" "$tmp/fall" 2>/dev/null | inc >"$tmp/c1"
"$BIN/aiops-replay" "$tmp/f0" "$tmp/f1" "$tmp/f2" | "$BIN/aiops-cluster" 2>/dev/null | inc >"$tmp/c2"
[ -s "$tmp/c1" ] && cmp -s "$tmp/c1" "$tmp/c2" ||
    { echo "cluster: incidents of the merged stream differ"; diff "$tmp/c1" "$tmp/c2" | head; exit 1; }
echo "shards ok"
