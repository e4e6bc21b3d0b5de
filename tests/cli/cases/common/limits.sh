# Every input limit of docs/SECURITY.md stops a run with exit status 2 and
# a message naming the limit and how to raise it; a malformed limit
# variable is a usage error.  The decompression limits for gzip, xz,
# bzip2, zstd (its own thread), stdin, tar and zip members.
set -u
d=$(mktemp -d /tmp/aiops-limits.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail=0
# expect FRAGMENT COMMAND...: status 2, FRAGMENT in stderr
expect() {
    frag=$1; shift
    "$@" >"$d/out" 2>"$d/err" </dev/null
    rc=$?
    if [ $rc -ne 2 ] || ! grep -qF -- "$frag" "$d/err"; then
        echo "FAIL: $*: status $rc (want 2), stderr:"; cat "$d/err"; echo "want: $frag"; fail=1
    fi
}
R="$BIN/aiops-replay"
# line: one line longer than AIOPS_MAX_LINE / --max-line
long=$(head -c 2000 /dev/zero | tr '\0' x)
printf '1700000000\tm\t1\n1700000001\tm{a="%s"}\t2\n' "$long" > "$d/long.tsv"
expect "long.tsv:2: line longer than 1024 bytes (--max-line, AIOPS_MAX_LINE)" env AIOPS_MAX_LINE=1024 "$R" "$d/long.tsv"
expect "long.tsv:2: line longer than 1500 bytes" env AIOPS_MAX_LINE=1024 "$R" --max-line 1500 "$d/long.tsv"
expect "AIOPS_MAX_LINE (environment): expected a whole number in [1024, 4294967296], got '10'" env AIOPS_MAX_LINE=10 "$R" "$d/long.tsv"
expect "AIOPS_MAX_RATIO (environment): expected a whole number in [2, 1000000], got 'x'" env AIOPS_MAX_RATIO=x "$BIN/aiops-fit" "$d/long.tsv"
# one JSON document read whole
{ head -c 3000 /dev/zero | tr '\0' ' '; cat tests/fixtures/prom-api/query_range.json; } > "$d/big.json"
expect "big.json: document larger than 2048 bytes (raise AIOPS_MAX_DOC)" env AIOPS_MAX_DOC=2048 "$R" "$d/big.json"
# JSON nesting of a streamed document
awk 'BEGIN{for(i=0;i<40;i++) printf "["; for(i=0;i<40;i++) printf "]"; print ""}' > "$d/deep.json"
expect "maximum parsing depth reached (10, AIOPS_MAX_DEPTH)" env AIOPS_MAX_DEPTH=10 "$R" -I zipkin "$d/deep.json"
# ... and of records and documents parsed whole (jansson stops at 2048 by
# itself): a stream record, a Loki line, an Alertmanager webhook
printf '{"type":"log","ts":1,"message":"x","attributes":{"a":{"b":[1]}}}\n' > "$d/deep.ndjson"
expect "deep.ndjson:1: expected a JSON record: maximum parsing depth reached (3, AIOPS_MAX_DEPTH)" env AIOPS_MAX_DEPTH=3 "$R" "$d/deep.ndjson"
expect "deep.ndjson:1: expected a JSON record: maximum parsing depth reached (3, AIOPS_MAX_DEPTH)" env AIOPS_MAX_DEPTH=3 "$BIN/aiops-fit" "$d/deep.ndjson"
env AIOPS_MAX_DEPTH=4 "$R" "$d/deep.ndjson" | grep -q '"b":\[1\]' || { echo "FAIL: depth 4 is within AIOPS_MAX_DEPTH=4"; fail=1; }
printf '{"labels":{"app":"a"},"line":"x","timestamp":"2023-12-07T00:00:00Z","extra":{"a":{"b":{}}}}\n' > "$d/deep-logcli.jsonl"
expect "maximum parsing depth reached (3, AIOPS_MAX_DEPTH)" env AIOPS_MAX_DEPTH=3 "$R" "$d/deep-logcli.jsonl"
awk 'BEGIN{printf "{\"version\":\"4\",\"status\":\"firing\",\"x\":"; for(i=0;i<30;i++) printf "["; for(i=0;i<30;i++) printf "]"; print ",\"alerts\":[]}"}' > "$d/deep-am.json"
expect "maximum parsing depth reached (20, AIOPS_MAX_DEPTH)" env AIOPS_MAX_DEPTH=20 "$R" -I alertmanager "$d/deep-am.json"
# labels per series, series per run
printf '1700000000\tm{a="1",b="2",c="3"}\t1\n' > "$d/labels.tsv"
expect "labels.tsv:1: more than 2 labels (AIOPS_MAX_LABELS)" env AIOPS_MAX_LABELS=2 "$R" "$d/labels.tsv"
printf '1700000000\tm{a="1"}\t1\n1700000000\tm{a="2"}\t1\n1700000000\tm{a="3"}\t1\n' > "$d/series.tsv"
for t in aiops-replay aiops-fit aiops-cluster aiops-rca aiops-summarize aiops-predict aiops-report aiops-eval; do
    expect "series.tsv:3: more than 2 distinct series (raise --max-series or AIOPS_MAX_SERIES)" "$BIN/$t" --max-series 2 "$d/series.tsv"
done
expect "more than 2 distinct series" env AIOPS_MAX_SERIES=2 "$BIN/aiops-fit" "$d/series.tsv"
# the reorder buffer and the entries merged at once
printf '1700000010\tm\t1\n1700000000\tm\t2\n1700000005\tm\t3\n' > "$d/unord.tsv"
expect "unord.tsv:2: the buffer that puts the input in time order is full (1 units" env AIOPS_MAX_BUFFER=1 "$R" "$d/unord.tsv"
printf '1700000000\ta\t1\n1700000010\ta\t1\n' > "$d/o1.tsv"
printf '1700000005\tb\t1\n' > "$d/o2.tsv"
expect "more than 1 files or archive members overlap in time; raise --max-open" env AIOPS_MAX_OPEN=1 "$R" "$d/o1.tsv" "$d/o2.tsv"
# temporary files of spilled sorted runs (a Zipkin array of 20000 spans)
awk 'BEGIN{printf "["; for(i=0;i<20000;i++) printf "%s{\"traceId\":\"%016x\",\"id\":\"%016x\",\"name\":\"get\",\"timestamp\":%d,\"duration\":1000,\"localEndpoint\":{\"serviceName\":\"fe\"}}", (i?",":""), i+1, i+1, 1704164645260000-i*1000000; print "]"}' > "$d/many.json"
expect "many.json:1: temporary files of sorted records would pass 4096 bytes (AIOPS_MAX_SPILL" env AIOPS_MAX_SPILL=4096 "$R" "$d/many.json"
[ "$("$R" "$d/many.json" | wc -l)" -eq 20000 ] || { echo "FAIL: spilled spans lost"; fail=1; }
# decompression bombs: 20 MB of one repeated line
yes "$(printf '1700000000\tm\t1')" | head -c 20000000 > "$d/bomb.tsv"
gzip -c "$d/bomb.tsv" > "$d/bomb.gz"; xz -c "$d/bomb.tsv" > "$d/bomb.xz"
bzip2 -c "$d/bomb.tsv" > "$d/bomb.bz2"; zstd -q -c "$d/bomb.tsv" > "$d/bomb.zst"
(cd "$d" && tar cf - bomb.tsv | zstd -q > bomb.tar.zst && tar czf bomb.tgz bomb.tsv)
for f in bomb.gz bomb.xz bomb.bz2 bomb.zst bomb.tar.zst bomb.tgz:bomb.tsv; do
    expect "$f: decompresses to more than 50 times its compressed size" env AIOPS_MAX_RATIO=50 "$R" "$d/${f%:*}"
done
expect "<stdin>: decompresses to more than 50 times" sh -c "AIOPS_MAX_RATIO=50 '$R' < '$d/bomb.gz'"
expect "<stdin>: decompresses to more than 50 times" sh -c "AIOPS_MAX_RATIO=50 '$R' < '$d/bomb.zst'"
expect "bomb.tgz:bomb.tsv: decompresses to more than 100000 bytes (a decompression bomb? raise AIOPS_MAX_INFLATE" env AIOPS_MAX_INFLATE=100000 "$R" "$d/bomb.tgz"
expect "bomb.zst: decompresses to more than 100000 bytes" env AIOPS_MAX_INFLATE=100000 "$R" "$d/bomb.zst"
# the default ratio (1000) stops the zstd one (9000 times), and a raised one reads it
expect "bomb.zst: decompresses to more than 1000 times" "$R" "$d/bomb.zst"
[ "$(AIOPS_MAX_RATIO=100000 "$R" "$d/bomb.tar.zst" 2>/dev/null | wc -l)" -eq 1 ] || { echo "FAIL: bomb.tar.zst with a raised ratio"; fail=1; }
exit $fail
