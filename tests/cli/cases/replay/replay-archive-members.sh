# Members of one archive, some in sequence and some overlapping in time,
# come out in global time order, the same as the files given one by one.
set -eu
d=$(mktemp -d /tmp/aiops-mem.XXXXXX)
trap 'rm -rf "$d"' EXIT
for day in 0 1 2; do
    i=0
    while [ $i -lt 50 ]; do
        printf '%d\tm{day="%d"}\t%d\n' $((1700000000 + day * 1000 + i * 20)) $day $i
        i=$((i + 1))
    done > "$d/day$day.tsv"
done
# an overlapping member covering all three days, and a series-ordered one
awk 'BEGIN{for(i=0;i<150;i++) printf "%d\tall\t%d\n", 1700000005+i*20, i}' > "$d/all.tsv"
printf '{__name__="p"} 1 1700000500000\n{__name__="p"} 2 1700001500000\n{__name__="q"} 3 1700000001000\n' > "$d/zdump.txt"
(cd "$d" && tar cf - day0.tsv all.tsv day1.tsv day2.tsv zdump.txt | zstd -q > a.tar.zst)
"$BIN/aiops-replay" -f tsv "$d/a.tar.zst" > "$d/out1"
"$BIN/aiops-replay" -f tsv "$d/day0.tsv" "$d/all.tsv" "$d/day1.tsv" "$d/day2.tsv" "$d/zdump.txt" > "$d/out2"
cmp "$d/out1" "$d/out2" || { diff "$d/out1" "$d/out2" | head; exit 1; }
[ "$(wc -l < "$d/out1")" -eq 303 ] || { echo "expected 303 samples"; exit 1; }
sort -s -n -k1,1 "$d/out1" | cmp - "$d/out1" || { echo "not in time order"; exit 1; }
