# vm-export with --skip-bad: a skipped line's samples never go to another
# series (issue 19.1), lines after a bad value still come out and the count
# is exact (19.2), and an input whose every series is skipped ends with
# exit 0 and nothing written, not "unknown series id" (19.3).  A dotted
# name (VictoriaMetrics' own example) is read, mapped to underscores (19.17).
set -eu
d=$(mktemp -d /tmp/aiops-vmskip.XXXXXX)
trap 'rm -rf "$d"' EXIT
printf '%s\n' '{"metric":{"__name__":"bad","job":1},"values":[123],"timestamps":[1700000000000]}' \
    '{"metric":{"__name__":"node_load1"},"values":[0.5],"timestamps":[1700000000000]}' > "$d/a.jsonl"
"$BIN/aiops-replay" --skip-bad -f tsv "$d/a.jsonl" > "$d/out" 2> "$d/err"
printf '1700000000\tnode_load1\t0.5\n' | cmp - "$d/out" || { cat "$d/out"; exit 1; }
grep -q "skipped 1 malformed record;" "$d/err" || { cat "$d/err"; exit 1; }

printf '%s\n' '{"metric":{"__name__":"a"},"values":[1],"timestamps":[1700000000000]}' \
    '{"metric":{"__name__":"b"},"values":[true],"timestamps":[1700000000000]}' \
    '{"metric":{"__name__":"c"},"values":[1,2],"timestamps":[1700000000000,1700000001000]}' \
    '{"metric":{"__name__":"d"},"values":[3],"timestamps":[1700000000000]}' > "$d/b.jsonl"
"$BIN/aiops-replay" --skip-bad -f tsv "$d/b.jsonl" > "$d/out" 2> "$d/err"
printf '1700000000\ta\t1\n1700000000\tc\t1\n1700000000\td\t3\n1700000001\tc\t2\n' | cmp - "$d/out" ||
    { cat "$d/out"; exit 1; }
grep -q "skipped 1 malformed record;" "$d/err" || { cat "$d/err"; exit 1; }

printf '%s\n' '{"metric":{"__name__":"x","job":1},"values":[1],"timestamps":[1700000000000]}' \
    '{"metric":{"__name__":"y","job":[]},"values":[2],"timestamps":[1700000000000]}' > "$d/c.jsonl"
rc=0
"$BIN/aiops-replay" --skip-bad "$d/c.jsonl" > "$d/out" 2> "$d/err" || rc=$?
[ $rc -eq 0 ] && [ ! -s "$d/out" ] || { echo "exit $rc"; cat "$d/out" "$d/err"; exit 1; }
grep -q "skipped 2 malformed records;" "$d/err" || { cat "$d/err"; exit 1; }

printf '%s\n' '{"metric":{"__name__":"foo.bar.baz","service.name":"api"},"values":[123],"timestamps":[1700000000000]}' \
    '{"metric":{"__name__":"node_load1"},"values":[0.5],"timestamps":[1700000000000]}' > "$d/e.jsonl"
"$BIN/aiops-replay" -f tsv "$d/e.jsonl" > "$d/out"
printf '1700000000\tfoo_bar_baz{service_name="api"}\t123\n1700000000\tnode_load1\t0.5\n' | cmp - "$d/out" ||
    { cat "$d/out"; exit 1; }
