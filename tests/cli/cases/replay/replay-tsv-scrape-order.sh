# TSV scrapes whose series change order, appear and vanish, and come under
# non-canonical text (other label order): every line keeps its own series
# and value, in NDJSON and TSV output, the same as each scrape read as a
# file of its own; a bad value after a predicted series is still an error
# at its line.
set -eu
d=$(mktemp -d /tmp/aiops-tsvorder.XXXXXX)
trap 'rm -rf "$d"' EXIT
awk 'BEGIN {
    for (t = 0; t < 40; t++) {
        n = 5 + t % 3                           # 5..7 series a scrape
        for (k = 0; k < n; k++) {
            s = (t >= 20 && t < 25) ? n - 1 - k : k        # reversed for a while
            if (s == 3 && t % 4 == 1)
                series = "m{job=\"j\",i=\"" s "\"}"         # other label order
            else
                series = "m{i=\"" s "\",job=\"j\"}"
            printf "%d\t%s\t%d\n", 1700000000 + 10 * t, series, 100 * t + s
        }
    }
}' > "$d/all.tsv"
"$BIN/aiops-replay" -f tsv "$d/all.tsv" > "$d/tsv.out"
"$BIN/aiops-replay" "$d/all.tsv" > "$d/ndjson.out"
# one scrape at a time, each file read alone: nothing to predict from
split -l 6 -d -a 3 "$d/all.tsv" "$d/part."
for p in "$d"/part.*; do "$BIN/aiops-replay" -f tsv "$p"; done > "$d/parts.out"
cmp "$d/tsv.out" "$d/parts.out" || { diff "$d/tsv.out" "$d/parts.out" | head; exit 1; }
[ "$(wc -l < "$d/tsv.out")" -eq "$(wc -l < "$d/all.tsv")" ] || { echo "lost lines"; exit 1; }
# every output line: the series its value names (value 100 t + s <-> i="s")
awk -F'\t' '{ if ($2 != "m{i=\"" $3 % 100 "\",job=\"j\"}") { print "wrong series: " $0; bad = 1 } }
            END { exit bad }' "$d/tsv.out"
[ "$(grep -c '"labels":{"i":"3","job":"j"}' "$d/ndjson.out")" -eq "$(grep -c 'i="3"' "$d/all.tsv")" ] ||
    { echo "ndjson series count"; exit 1; }
# a bad value right after a series that was predicted
{ head -n 12 "$d/all.tsv"; printf '1700000020\tm{i="0",job="j"}\tx\n'; } > "$d/bad.tsv"
if "$BIN/aiops-replay" -f tsv "$d/bad.tsv" > /dev/null 2> "$d/err"; then echo "no error"; exit 1; fi
grep -q "bad.tsv:13: expected a sample value, got 'x'" "$d/err" || { cat "$d/err"; exit 1; }
