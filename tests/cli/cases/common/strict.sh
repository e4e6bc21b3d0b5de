# --strict (tools/cli.c, every tool that reads records): a run that
# skipped or dropped records exits 2 after counting them on stderr; the
# same run without it exits 0.  Exact repeats of a sample lose nothing and
# pass; files no format recognises become errors.
set -u
d=$(mktemp -d /tmp/aiops-strict.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
# st WANT COMMAND...: exit status WANT
st() {
    want=$1; shift
    "$@" >"$d/out" 2>"$d/err" </dev/null
    rc=$?
    [ $rc -eq "$want" ] || no "$*: status $rc, want $want: $(cat "$d/err")"
}
printf '1700000000\tm\t1\n1700000060\tm\t2\nnot a record\n' > "$d/bad.tsv"
printf '1700000000\tm\t1\n1700000000\tm\t1\n' > "$d/repeat.tsv"
printf '1700000000\tm\t1\n1700000000\tm\t5\n' > "$d/conflict.tsv"
R="$BIN/aiops-replay"
st 0 "$R" --skip-bad "$d/bad.tsv"
st 2 "$R" --skip-bad --strict "$d/bad.tsv"
grep -q "skipped 1 malformed record; the first: .*bad.tsv:3:" "$d/err" || no "no count: $(cat "$d/err")"
grep -q "^aiops-replay: --strict: 1 record was skipped or dropped (counted above)$" "$d/err" || no "strict line: $(cat "$d/err")"
[ "$(wc -l < "$d/out")" -eq 2 ] || no "the good records were not written"
st 0 "$R" --strict "$d/repeat.tsv"
grep -q "dropped 1 duplicate sample" "$d/err" || no "repeat not counted: $(cat "$d/err")"
st 0 "$R" "$d/conflict.tsv"
st 2 "$R" --strict "$d/conflict.tsv"
grep -q "1 sample had the series and time of an earlier one but another value" "$d/err" || no "conflict: $(cat "$d/err")"
# a directory with a file no format recognises
mkdir "$d/dir"; cp "$d/repeat.tsv" "$d/dir/a.tsv"; echo hello > "$d/dir/README.txt"
st 0 "$R" "$d/dir"
st 2 "$R" --strict "$d/dir"
# the shared option in the other tools, with their own skips
st 0 "$BIN/aiops-rca" --graph tests/cli/cases/rca/spans.ndjson
st 2 "$BIN/aiops-rca" --graph --strict tests/cli/cases/rca/spans.ndjson
grep -q "skipped 1 span record without trace_id" "$d/err" || no "rca: $(cat "$d/err")"
for t in aiops-fit aiops-cluster aiops-predict aiops-report aiops-eval aiops-summarize; do
    "$BIN/$t" --help | grep -q -- "--strict " || no "$t: no --strict"
done
st 2 "$BIN/aiops-fit" --strict "$d/conflict.tsv"
st 2 "$BIN/aiops-cluster" --strict "$d/conflict.tsv"
st 0 "$BIN/aiops-cluster" --strict "$d/repeat.tsv"
exit $fail
