# Crash-safe outputs (common/ofile.c): every file a tool writes appears
# whole or not at all.  A full disk (/dev/full) and a failed run give a
# clear message and exit 2 and leave no file; SIGTERM and SIGINT leave
# neither the file nor its temporary (an older file of that name stays as
# it was); a closed pipe ends a tool quietly with 141; aiops-report's
# gnuplot files go on every way out.
set -u
d=$(mktemp -d /tmp/aiops-outputs.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
# full COMMAND...: status 2 and "...: No space left on device"
full() {
    "$@" >"$d/out" 2>"$d/err" </dev/null
    rc=$?
    { [ $rc -eq 2 ] && grep -q "No space left on device" "$d/err"; } ||
        no "$*: status $rc, $(cat "$d/err")"
}
printf '1700000000\tm{service="a"}\t1\n1700000060\tm{service="a"}\t2\n' > "$d/in.tsv"
sim="$d/sim.tar.zst"
"$BIN/aiops-simulate" -o "$sim" scenarios/demo.json 2>/dev/null || no "simulate"
ls -a "$d" | grep -q '\.tmp-' && no "simulate left a temporary"
# disk full: -o /dev/full (written in place: not a regular file) and stdout
full "$BIN/aiops-replay" -o /dev/full "$d/in.tsv"
full sh -c "'$BIN/aiops-replay' '$d/in.tsv' > /dev/full"
full "$BIN/aiops-fit" --save /dev/full "$d/in.tsv" -o /dev/null
full "$BIN/aiops-simulate" -o /dev/full scenarios/demo.json
full "$BIN/aiops-eval" -o /dev/full --labels tests/fixtures/report/incident.ndjson "$d/in.tsv"
full "$BIN/aiops-report" --format slack -o /dev/full tests/fixtures/report/incident.ndjson
full "$BIN/aiops-rca" --table -o /dev/full tests/fixtures/report/incident.ndjson
# a run that fails after output began leaves no file, and an older one is kept
printf 'old\n' > "$d/keep.ndjson"
printf '1700000000\tm\t1\nnot a record\n' > "$d/bad.tsv"
"$BIN/aiops-replay" -o "$d/keep.ndjson" "$d/bad.tsv" 2>/dev/null && no "bad input accepted"
[ "$(cat "$d/keep.ndjson")" = old ] || no "a failed run replaced the older file"
"$BIN/aiops-replay" -o "$d/new.ndjson" "$d/bad.tsv" 2>/dev/null
[ -e "$d/new.ndjson" ] && no "a failed run left a partial file"
# a finished one: the whole file, no temporary, the mode a new file gets
"$BIN/aiops-replay" -o "$d/ok.ndjson" "$d/in.tsv" || no "replay -o"
[ "$(wc -l < "$d/ok.ndjson")" -eq 2 ] || no "replay -o wrote $(wc -l < "$d/ok.ndjson") lines"
[ "$(stat -c %a "$d/ok.ndjson")" = "$(umask -S >/dev/null; printf '%o' $((0666 & ~$(umask))))" ] || no "mode $(stat -c %a "$d/ok.ndjson")"
"$BIN/aiops-fit" --save "$d/model.json" -o /dev/null "$d/in.tsv" 2>/dev/null || no "fit --save"
jq -e . "$d/model.json" >/dev/null || no "fit --save wrote no JSON"
ls -a "$d" | grep -q '\.tmp-' && no "a temporary was left: $(ls -a "$d")"
# signals while writing: the input is a FIFO that stays open
for sig in TERM INT; do
    mkfifo "$d/fifo"
    (printf '1700000000\tm\t1\n'; sleep 2) > "$d/fifo" &
    printf 'old\n' > "$d/sig.ndjson"
    # (a shell starts background jobs with SIGINT ignored: restore it)
    python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
        "$BIN/aiops-replay" -I tsv -o "$d/sig.ndjson" "$d/fifo" & pid=$!
    i=0
    while ! ls -a "$d" | grep -q '^\.sig\.ndjson\.tmp-' && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    ls -a "$d" | grep -q '^\.sig\.ndjson\.tmp-' || no "SIG$sig: no temporary while writing"
    kill -$sig $pid; wait $pid; rc=$?
    [ $rc -gt 128 ] || no "SIG$sig: status $rc"
    ls -a "$d" | grep -q '\.tmp-' && no "SIG$sig left a temporary"
    [ "$(cat "$d/sig.ndjson")" = old ] || no "SIG$sig replaced the older file"
    wait; rm -f "$d/fifo"
done
# a closed pipe: 141, nothing on stderr
"$BIN/aiops-replay" "$sim" 2>"$d/err" | head -n 1 >/dev/null
grep -v ': warning: ' "$d/err" | grep -q . && no "closed pipe: $(cat "$d/err")"
sh -c "'$BIN/aiops-replay' '$sim' 2>/dev/null; echo \$? > '$d/rc'" | head -n 1 >/dev/null
[ "$(cat "$d/rc")" = 141 ] || no "closed pipe: status $(cat "$d/rc")"
# aiops-report: gnuplot's files go when it fails, and on SIGTERM while it runs
mkdir "$d/tmp" "$d/rep"
printf '#!/bin/sh\nsleep 3\n' > "$d/slowplot"; chmod +x "$d/slowplot"
TMPDIR="$d/tmp" "$BIN/aiops-report" --gnuplot "$d/slowplot" -o "$d/rep" tests/fixtures/report/incident.ndjson 2>/dev/null &
pid=$!
i=0
while [ -z "$(ls "$d/tmp")" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -n "$(ls "$d/tmp")" ] || no "report: no gnuplot directory seen"
kill -TERM $pid; wait $pid
[ -z "$(ls -A "$d/tmp")" ] || no "report SIGTERM left $(ls -R "$d/tmp")"
ls -a "$d/rep" | grep -q '\.tmp-' && no "report SIGTERM left a temporary"
TMPDIR="$d/tmp" "$BIN/aiops-report" --gnuplot false -o "$d/rep" tests/fixtures/report/incident.ndjson 2>/dev/null
[ -z "$(ls -A "$d/tmp")" ] || no "report: failing gnuplot left $(ls -R "$d/tmp")"
wait
exit $fail
