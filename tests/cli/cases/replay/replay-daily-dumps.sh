# A directory of daily Prometheus API dumps of a label-less query (metric:
# {}) plus a README.txt, replayed with defaults: one series named after the
# files without their dates (issue 19.11), the samples at the day
# boundaries once (19.6: dropped and counted on stderr), README.txt
# skipped with a warning naming it (19.8).
set -eu
d=$(mktemp -d /tmp/aiops-daily.XXXXXX)
trap 'rm -rf "$d"' EXIT
mkdir "$d/dumps"
# Each day's dump runs from its midnight to the next one (inclusive), so
# the boundary sample is in two files.  2024-03-01T00:00:00Z = 1709251200.
for day in 1 2 3; do
    t0=$((1709251200 + (day - 1) * 86400))
    {
        printf '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":['
        i=0
        while [ $i -le 4 ]; do
            [ $i -gt 0 ] && printf ','
            printf '[%d,"%d"]' $((t0 + i * 21600)) $(((day - 1) * 4 + i))
            i=$((i + 1))
        done
        printf ']}]}}\n'
    } > "$d/dumps/error-ratio-2024-03-0$day.json"
done
printf 'Daily dumps of sum(rate(errors[5m])) / sum(rate(requests[5m])).\n' > "$d/dumps/README.txt"

"$BIN/aiops-replay" -f tsv "$d/dumps" > "$d/out" 2> "$d/err"
# 3 days x 5 samples, 2 boundary samples twice: 13 samples, one series
[ "$(wc -l < "$d/out")" -eq 13 ] || { cat "$d/out"; exit 1; }
[ "$(cut -f2 "$d/out" | sort -u)" = error_ratio ] || { cut -f2 "$d/out" | sort -u; exit 1; }
[ "$(cut -f1 "$d/out" | sort | uniq -d | wc -l)" -eq 0 ] || { echo "duplicate times"; exit 1; }
i=0
while [ $i -le 12 ]; do
    printf '%d\terror_ratio\t%d\n' $((1709251200 + i * 21600)) $i
    i=$((i + 1))
done | cmp - "$d/out" || { diff "$d/out" - ; exit 1; }
grep -q "warning: $d/dumps/README.txt: skipped: no input format recognises it" "$d/err" ||
    { cat "$d/err"; exit 1; }
grep -q "dropped 2 duplicate samples" "$d/err" || { cat "$d/err"; exit 1; }
[ "$(wc -l < "$d/err")" -eq 2 ] || { cat "$d/err"; exit 1; }

# --name sets the name; --keep-duplicates keeps the repeats.
"$BIN/aiops-replay" -f tsv --name errors --keep-duplicates "$d/dumps" > "$d/out" 2> "$d/err"
[ "$(wc -l < "$d/out")" -eq 15 ] && [ "$(cut -f2 "$d/out" | sort -u)" = errors ] ||
    { cat "$d/out"; exit 1; }

# A conflicting value at a boundary: the first file's value is kept, and
# the conflict reported with an example.
sed 's/\[1709337600,"4"\]/[1709337600,"40"]/' "$d/dumps/error-ratio-2024-03-02.json" > "$d/x"
mv "$d/x" "$d/dumps/error-ratio-2024-03-02.json"
"$BIN/aiops-replay" -f tsv "$d/dumps" > "$d/out" 2> "$d/err"
grep -q "^1709337600	error_ratio	4$" "$d/out" || { cat "$d/out"; exit 1; }
grep -q "1 sample had the series and time of an earlier one but another value; the earlier was kept, e.g. error_ratio at 2024-03-02T00:00:00Z: kept 4, dropped 40" "$d/err" ||
    { cat "$d/err"; exit 1; }
grep -q "dropped 1 duplicate sample " "$d/err" || { cat "$d/err"; exit 1; }

# --strict makes README.txt an error before anything is read; so does
# naming it on the command line, and a directory with nothing readable.
rc=0; "$BIN/aiops-replay" --strict "$d/dumps" > "$d/out" 2> "$d/err" || rc=$?
[ $rc -eq 2 ] && [ ! -s "$d/out" ] && grep -q "README.txt:1: expected a known input format" "$d/err" ||
    { echo "strict: exit $rc"; cat "$d/err"; exit 1; }
rc=0; "$BIN/aiops-replay" "$d/dumps/README.txt" > "$d/out" 2> "$d/err" || rc=$?
[ $rc -eq 2 ] || { echo "explicit: exit $rc"; cat "$d/err"; exit 1; }
mkdir "$d/docs"; cp "$d/dumps/README.txt" "$d/docs/"
rc=0; "$BIN/aiops-replay" "$d/docs" > "$d/out" 2> "$d/err" || rc=$?
[ $rc -eq 2 ] && grep -q "none of the 1 inputs is recognised" "$d/err" ||
    { echo "nothing: exit $rc"; cat "$d/err"; exit 1; }
# The same in an archive.
(cd "$d/dumps" && tar cf "$d/dumps.tar" .)
"$BIN/aiops-replay" -f tsv "$d/dumps.tar" > "$d/out" 2> "$d/err"
[ "$(wc -l < "$d/out")" -eq 13 ] && grep -q "dumps.tar:./README.txt: skipped" "$d/err" ||
    { cat "$d/out" "$d/err"; exit 1; }
