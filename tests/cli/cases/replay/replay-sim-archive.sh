# The simulator's own archive carries scenario.json, which no input format
# reads: it is skipped with a warning naming it, from a file and from stdin,
# and everything else is read (issue 19.8).
set -eu
d=$(mktemp -d /tmp/aiops-simarch.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$BIN/aiops-simulate" -o "$d/sim.tar.zst" --days 1 tests/fixtures/sim/tiny.json
"$BIN/aiops-replay" -f tsv "$d/sim.tar.zst" > "$d/out1" 2> "$d/err"
printf 'aiops-replay: warning: %s/sim.tar.zst:scenario.json: skipped: no input format recognises it\n' "$d" |
    cmp - "$d/err" || { cat "$d/err"; exit 1; }
[ "$(wc -l < "$d/out1")" -gt 1000 ] || { wc -l "$d/out1"; exit 1; }
zstd -dc "$d/sim.tar.zst" | "$BIN/aiops-replay" -f tsv > "$d/out2" 2> "$d/err"
grep -q "^aiops-replay: warning: <stdin>:scenario.json: skipped" "$d/err" || { cat "$d/err"; exit 1; }
cmp "$d/out1" "$d/out2" || { echo "stdin differs"; exit 1; }
rc=0; "$BIN/aiops-replay" --strict "$d/sim.tar.zst" > /dev/null 2> "$d/err" || rc=$?
[ $rc -eq 2 ] && grep -q "scenario.json:1: expected a known input format" "$d/err" ||
    { echo "strict: exit $rc"; cat "$d/err"; exit 1; }
