# --index: the archive's listing is kept in ARCHIVE.aiops-index; a second
# run reads it from there (same records, in the same order), a run with
# other --members writes its own, and a changed archive is listed again.
set -eu
d=$(mktemp -d /tmp/aiops-ix.XXXXXX)
trap 'rm -rf "$d"' EXIT
for day in 0 1 2; do
    awk -v day=$day 'BEGIN{for(i=0;i<50;i++) printf "%d\tm{day=\"%d\"}\t%d\n", 1700000000+day*1000+i*20, day, i}' > "$d/day$day.tsv"
done
awk 'BEGIN{for(i=0;i<150;i++) printf "%d\tall\t%d\n", 1700000005+i*20, i}' > "$d/all.tsv"
(cd "$d" && tar cf - day2.tsv all.tsv day0.tsv day1.tsv | zstd -q > a.tar.zst)
"$BIN/aiops-replay" -f tsv "$d/a.tar.zst" > "$d/plain"
"$BIN/aiops-replay" -f tsv --index "$d/a.tar.zst" > "$d/first"
[ -s "$d/a.tar.zst.aiops-index" ] || { echo "no index written"; exit 1; }
tail -n 1 "$d/a.tar.zst.aiops-index" | grep -qx end || { echo "index not ended"; exit 1; }
"$BIN/aiops-replay" -f tsv --index "$d/a.tar.zst" > "$d/second"
cmp "$d/plain" "$d/first" && cmp "$d/plain" "$d/second"
[ "$(wc -l < "$d/second")" -eq 300 ] || { echo "expected 300 samples"; exit 1; }
# other members: the index says so and the archive is listed for them
"$BIN/aiops-replay" -f tsv --index --members 'day*' "$d/a.tar.zst" | wc -l | grep -qx 150
grep -q 'member="day\*"' "$d/a.tar.zst.aiops-index" || { echo "members not in the key"; exit 1; }
# a changed archive (one member fewer) is listed again
(cd "$d" && tar cf - day0.tsv day1.tsv | zstd -q > a.tar.zst)
"$BIN/aiops-replay" -f tsv --index "$d/a.tar.zst" | wc -l | grep -qx 100
