# --baseline/--max-regression: a report compared with itself passes; a
# baseline with a better F1 (0.9 vs 6/7, -4.8 %) fails at 2 % and passes at 5 %.
set -eu
t=$(mktemp -d /tmp/aiops-eval-reg.XXXXXX)
trap 'rm -rf "$t"' EXIT
run() { "$BIN/aiops-eval" --labels tests/fixtures/eval/labels.ndjson tests/fixtures/eval/stream.ndjson "$@"; }
run -o "$t/prev.json"
run -o /dev/null --baseline "$t/prev.json"
jq -c '.detection.event.f1 = 0.9' "$t/prev.json" > "$t/better.json"
if run -o /dev/null --baseline "$t/better.json" --max-regression 0.02 2>"$t/err"; then
    echo "expected a regression failure"; exit 1
fi
grep -q 'regression: detection.event.f1 0.9 -> 0.857142857142857[0-9]* (worse by 4.8%, allowed 2.0%)' "$t/err" ||
    { cat "$t/err"; exit 1; }
[ "$(wc -l < "$t/err")" -eq 1 ] || { cat "$t/err"; exit 1; }
run -o "$t/out.json" --baseline "$t/better.json" --max-regression 0.05
jq -e '.gates.passed == true and .gates.checked == 1' "$t/out.json" >/dev/null
# the failing run still writes its report, with the failures in it
run -o "$t/out.json" --baseline "$t/better.json" 2>/dev/null && exit 1
jq -e '.gates.passed == false and .gates.failures[0].metric == "detection.event.f1"' "$t/out.json" >/dev/null
