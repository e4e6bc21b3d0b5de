# No look-ahead: a point is judged with data before it only.  Changing one
# future point (the last day, 12:00, set to 500) must not change any output
# record before that point's time, for every model; and it must change the
# output from that point on.
set -eu
f=tests/fixtures/fit/cpu-batch.tsv
t=1711281600                            # 2024-03-24T12:00:00Z
tmp=$(mktemp -d /tmp/aiops-fit-la.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk -F'\t' -v t=$t 'BEGIN{OFS="\t"} $1==t {$3=500} {print}' "$f" >"$tmp/changed.tsv"
cmp -s "$f" "$tmp/changed.tsv" && { echo "fixture not changed"; exit 1; }
for m in auto ewma robust seasonal holtwinters sarima; do
    "$BIN/aiops-fit" --model $m --bands --min-duration 10m "$f" >"$tmp/a"
    "$BIN/aiops-fit" --model $m --bands --min-duration 10m "$tmp/changed.tsv" >"$tmp/b"
    jq -c "select(.ts < $t)" "$tmp/a" >"$tmp/a.before"
    jq -c "select(.ts < $t)" "$tmp/b" >"$tmp/b.before"
    cmp -s "$tmp/a.before" "$tmp/b.before" || { echo "$m: output before $t changed"; diff "$tmp/a.before" "$tmp/b.before" | head; exit 1; }
    [ "$(jq -c 'select(.type=="band")' "$tmp/a.before" | wc -l)" -gt 1500 ] || { echo "$m: too few bands"; exit 1; }
    cmp -s "$tmp/a" "$tmp/b" && { echo "$m: the change made no difference"; exit 1; }
done
echo "no look-ahead ok"
