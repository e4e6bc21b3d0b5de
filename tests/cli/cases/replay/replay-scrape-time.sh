# Exposition text without timestamps: the file's mtime is used with one
# warning per file (issue 19.13); --scrape-time sets the time, for stdin too.
set -eu
d=$(mktemp -d /tmp/aiops-scrape.XXXXXX)
trap 'rm -rf "$d"' EXIT
printf '# TYPE up gauge\nup{job="a"} 1\nup{job="b"} 0\n' > "$d/node.prom"
touch -d 2024-03-01T12:00:00Z "$d/node.prom"
"$BIN/aiops-replay" -f tsv "$d/node.prom" > "$d/out" 2> "$d/err"
printf '1709294400\tup{job="a"}\t1\n1709294400\tup{job="b"}\t0\n' | cmp - "$d/out" || { cat "$d/out"; exit 1; }
printf "aiops-replay: warning: %s: samples without a timestamp take the file's modification time, 2024-03-01T12:00:00Z (set it with --scrape-time)\n" "$d/node.prom" |
    cmp - "$d/err" || { cat "$d/err"; exit 1; }
"$BIN/aiops-replay" -f tsv --scrape-time 2024-01-01T00:00:00Z "$d/node.prom" > "$d/out" 2> "$d/err"
printf '1704067200\tup{job="a"}\t1\n1704067200\tup{job="b"}\t0\n' | cmp - "$d/out" || { cat "$d/out"; exit 1; }
[ ! -s "$d/err" ] || { cat "$d/err"; exit 1; }
"$BIN/aiops-replay" -f tsv -I prom-text --scrape-time 1704067200 < "$d/node.prom" > "$d/out"
printf '1704067200\tup{job="a"}\t1\n1704067200\tup{job="b"}\t0\n' | cmp - "$d/out" || { cat "$d/out"; exit 1; }
# stdin without --scrape-time: an error that names the option
rc=0; "$BIN/aiops-replay" -I prom-text < "$d/node.prom" > "$d/out" 2> "$d/err" || rc=$?
[ $rc -eq 2 ] && grep -q "give --scrape-time" "$d/err" || { echo "exit $rc"; cat "$d/err"; exit 1; }
