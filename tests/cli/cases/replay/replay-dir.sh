# A directory is read recursively, in sorted order, hidden files skipped;
# output equals the same files given one by one.
set -eu
d=$(mktemp -d /tmp/aiops-dir.XXXXXX)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/b/c"
cp tests/fixtures/promtool/dump.txt "$d/b/c/"
cp tests/fixtures/csv/nab_like.csv "$d/a.csv"
gzip -c tests/fixtures/prom-api/query_range.json > "$d/b/q.json.gz"
printf 'not data\n' > "$d/.hidden"
"$BIN/aiops-replay" -f tsv "$d" > "$d.out1"
gzip -dc "$d/b/q.json.gz" > "$d.q.json"
"$BIN/aiops-replay" -f tsv "$d/a.csv" "$d.q.json" tests/fixtures/promtool/dump.txt > "$d.out2"
cmp "$d.out1" "$d.out2" || { diff "$d.out1" "$d.out2" | head; rm -f "$d".*; exit 1; }
n=$(wc -l < "$d.out1")
rm -f "$d".*
[ "$n" -eq 24 ] || { echo "expected 24 samples, got $n"; exit 1; }
