# The simulator's own archive carries scenario.json (the scenario as given),
# which holds no records: it is skipped without a warning, from a file and
# from stdin, also with --strict, and everything else is read (issue 19.8;
# a warning on every simulated archive was noise).  Anything else no format
# reads is still named, and an error with --strict, even when called
# scenario.json.
set -eu
d=$(mktemp -d /tmp/aiops-simarch.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$BIN/aiops-simulate" -o "$d/sim.tar.zst" --days 1 tests/fixtures/sim/tiny.json
"$BIN/aiops-replay" -f tsv "$d/sim.tar.zst" > "$d/out1" 2> "$d/err"
[ ! -s "$d/err" ] || { cat "$d/err"; exit 1; }
[ "$(wc -l < "$d/out1")" -gt 1000 ] || { wc -l "$d/out1"; exit 1; }
zstd -dc "$d/sim.tar.zst" | "$BIN/aiops-replay" -f tsv > "$d/out2" 2> "$d/err"
[ ! -s "$d/err" ] || { cat "$d/err"; exit 1; }
cmp "$d/out1" "$d/out2" || { echo "stdin differs"; exit 1; }
"$BIN/aiops-replay" --strict -f tsv "$d/sim.tar.zst" > "$d/out3" 2> "$d/err"
[ ! -s "$d/err" ] && cmp -s "$d/out1" "$d/out3" || { echo "strict"; cat "$d/err"; exit 1; }
zstd -dc "$d/sim.tar.zst" | "$BIN/aiops-replay" --strict -f tsv > "$d/out4"
cmp "$d/out1" "$d/out4" || { echo "strict stdin differs"; exit 1; }
# a scenario.json that is no scenario, and another unknown member: named
mkdir "$d/x"
cp tests/fixtures/sim/tiny.json "$d/x/scenario.json"
printf 'not a scenario\n' > "$d/x/notes.txt"
printf '1700000000\tm\t1\n' > "$d/x/a.tsv"
(cd "$d/x" && tar -cf ../x.tar scenario.json notes.txt a.tsv)
"$BIN/aiops-replay" "$d/x.tar" > /dev/null 2> "$d/err"
printf 'aiops-replay: warning: %s/x.tar:notes.txt: skipped: no input format recognises it\n' "$d" |
    cmp - "$d/err" || { cat "$d/err"; exit 1; }
printf 'hello\n' > "$d/x/scenario.json"
(cd "$d/x" && tar -cf ../y.tar scenario.json a.tsv)
"$BIN/aiops-replay" "$d/y.tar" > /dev/null 2> "$d/err"
printf 'aiops-replay: warning: %s/y.tar:scenario.json: skipped: no input format recognises it\n' "$d" |
    cmp - "$d/err" || { cat "$d/err"; exit 1; }
rc=0; "$BIN/aiops-replay" --strict "$d/y.tar" > /dev/null 2> "$d/err" || rc=$?
[ $rc -eq 2 ] && grep -q "scenario.json:1: expected a known input format" "$d/err" ||
    { echo "strict: exit $rc"; cat "$d/err"; exit 1; }
# a scenario file named on the command line is not read quietly
cp tests/fixtures/sim/tiny.json "$d/x/scenario.json"
rc=0; "$BIN/aiops-replay" "$d/x/scenario.json" > /dev/null 2> "$d/err" || rc=$?
[ $rc -eq 2 ] || { echo "named: exit $rc"; cat "$d/err"; exit 1; }
