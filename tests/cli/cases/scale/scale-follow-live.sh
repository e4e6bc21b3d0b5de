# Live use (docs/SCALE.md): aiops-replay --follow - | aiops-fit --load |
# aiops-cluster is a long-running pipe.  With the writer of the FIFO still
# open, the anomaly of a spike comes out of fit and out of cluster; a plain
# file is followed as it grows (tail -f); kcat -J envelopes come out as they
# arrive; --follow takes one plain input.
set -eu
tmp=$(mktemp -d /tmp/aiops-follow.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
line() { printf '{"type":"sample","ts":%d,"name":"lat","labels":{"service":"api"},"value":%s}\n' "$1" "$2"; }
t0=1700000000
i=0
while [ $i -lt 300 ]; do line $((t0 + 60 * i)) $((100 + i % 7)); i=$((i + 1)); done >"$tmp/train.ndjson"
"$BIN/aiops-fit" --model ewma --train 2h --save "$tmp/m.json" "$tmp/train.ndjson" >/dev/null
mkfifo "$tmp/in" "$tmp/tee"
"$BIN/aiops-cluster" <"$tmp/tee" >"$tmp/cluster.out" &
pids="$pids $!"
"$BIN/aiops-replay" --follow - <"$tmp/in" | "$BIN/aiops-fit" --load "$tmp/m.json" --no-samples |
    tee "$tmp/tee" >"$tmp/fit.out" &
pids="$pids $!"
exec 3>"$tmp/in"
t=$((t0 + 60 * 300))
for v in 101 103 102 900; do line $t $v >&3; t=$((t + 60)); done
# wait (up to 10 s) for the firing anomaly, the FIFO still open
waitfor() {
    n=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        n=$((n + 1)); [ $n -le 100 ] || return 1; sleep 0.1
    done
}
waitfor "$tmp/fit.out" '"type":"anomaly".*"state":"firing"' ||
    { echo "fit: no anomaly before stdin was closed"; cat "$tmp/fit.out"; exit 1; }
waitfor "$tmp/cluster.out" '"type":"anomaly"' ||
    { echo "cluster: the anomaly was held"; cat "$tmp/cluster.out"; exit 1; }
grep '"type":"anomaly"' "$tmp/fit.out" | jq -e "select(.state == \"firing\") | .ts == $((t0 + 60 * 303)) and .value == 900" >/dev/null ||
    { echo "fit: wrong anomaly"; cat "$tmp/fit.out"; exit 1; }
line $t 101 >&3
exec 3>&-
wait
pids=""
grep -q '"state":"resolved"' "$tmp/fit.out" || { echo "fit: no resolved record at the end"; exit 1; }

# a plain file is followed as it grows
: >"$tmp/grow.ndjson"
"$BIN/aiops-replay" --follow "$tmp/grow.ndjson" >"$tmp/grow.out" &
pids=$!
line $t0 1 >>"$tmp/grow.ndjson"
waitfor "$tmp/grow.out" '"value":1}' || { echo "follow: first line not written"; exit 1; }
line $((t0 + 60)) 2 >>"$tmp/grow.ndjson"
waitfor "$tmp/grow.out" '"value":2}' || { echo "follow: appended line not written"; exit 1; }
kill $pids
wait $pids 2>/dev/null || true
pids=""
[ "$(wc -l <"$tmp/grow.out")" = 2 ] || { echo "follow: expected 2 records"; cat "$tmp/grow.out"; exit 1; }

# kcat -J envelopes on a pipe: every record of the 4 messages comes out
# (the last one's payload holds 2 samples) without waiting for a 5th
mkfifo "$tmp/kcat"
"$BIN/aiops-replay" --follow - <"$tmp/kcat" >"$tmp/kcat.out" &
pids=$!
exec 3>"$tmp/kcat"
head -4 tests/fixtures/kafka/bus.jsonl >&3
n=0
while [ "$(wc -l <"$tmp/kcat.out")" -lt 5 ]; do
    n=$((n + 1)); [ $n -le 100 ] || { echo "kafka: records held"; cat "$tmp/kcat.out"; exit 1; }; sleep 0.1
done
exec 3>&-
wait $pids
pids=""
jq -s -e 'map(.type) == ["sample", "log", "log", "sample", "sample"] and .[4].value == 2' \
    "$tmp/kcat.out" >/dev/null || { echo "kafka: wrong records"; cat "$tmp/kcat.out"; exit 1; }

# one plain input only
rc=0; "$BIN/aiops-replay" --follow "$tmp/train.ndjson" "$tmp/train.ndjson" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q 'follow reads one input' "$tmp/err" || { echo "two inputs: rc $rc"; cat "$tmp/err"; exit 1; }
gzip -c "$tmp/train.ndjson" >"$tmp/t.gz"
rc=0; "$BIN/aiops-replay" --follow "$tmp/t.gz" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q 'cannot follow an archive' "$tmp/err" || { echo "gz: rc $rc"; cat "$tmp/err"; exit 1; }
rc=0; "$BIN/aiops-replay" --follow-delay 1s "$tmp/train.ndjson" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q 'needs --follow' "$tmp/err" || { echo "delay alone: rc $rc"; exit 1; }
echo "follow ok"
