# A 7-day dump: the default model's default training (half a period of
# 1d, >= 24 points) leaves 6.5 days scored per series; --train 14d scores
# nothing and says so at the end, per series count, with a --train that
# would work.
set -eu
tmp=$(mktemp -d /tmp/aiops-fit-short.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { for (i = 0; i < 7 * 288; i++) { t = 1700000000 + i * 300
    printf "%d\tcpu{host=\"a\"}\t%.3f\n", t, 50 + 10 * sin(2 * 3.14159265 * i / 288) + (i % 7) * 0.1
    printf "%d\tmem{host=\"a\"}\t%.3f\n", t, 20 + (i % 5) } }' >"$tmp/7d.tsv"
"$BIN/aiops-fit" --no-samples --bands "$tmp/7d.tsv" 2>"$tmp/err" >"$tmp/out"
[ ! -s "$tmp/err" ] || { echo "unexpected stderr:"; cat "$tmp/err"; exit 1; }
jq -s -c 'map(select(.type != "scored")) | [length, (map(.ts) | min), (group_by(.name) | map(length))]' "$tmp/out" >"$tmp/got"
echo '[3744,1700043200,[1872,1872]]' | cmp - "$tmp/got" || { cat "$tmp/got"; exit 1; }
"$BIN/aiops-fit" --train 14d --no-samples "$tmp/7d.tsv" 2>"$tmp/err" >"$tmp/out"
[ ! -s "$tmp/out" ]
cat >"$tmp/want" <<'W'
aiops-fit: warning: 2 of 2 modelled series never left training (the input ended inside their training window, the longest after 6d23h55m): none of their points was scored; try --train 3d11h or --train-until TIME
W
cmp "$tmp/want" "$tmp/err" || { cat "$tmp/err"; exit 1; }
# the suggestion works
"$BIN/aiops-fit" --train 3d11h --no-samples --bands "$tmp/7d.tsv" 2>"$tmp/err" | grep -q '"type":"band"'
[ ! -s "$tmp/err" ]
echo "short dump ok"
