#!/bin/sh
# aiops-simulate: the record stream of a tiny scenario is byte-identical to
# the committed golden file, so any change of the model's output (values,
# logs, spans, events, alerts, labels) shows up in review.  After an
# intended model change, regenerate and review the diff:
#   bin/aiops-simulate tests/fixtures/sim/tiny.json --stream -f tsv -o tests/fixtures/sim/tiny.ndjson
set -u
t=$(mktemp -d /tmp/sim-golden.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-golden: $*"; exit 1; }
"$BIN/aiops-simulate" tests/fixtures/sim/tiny.json --stream -f tsv -o "$t/out" ||
    fail "simulate failed"
if ! cmp -s tests/fixtures/sim/tiny.ndjson "$t/out"; then
    diff tests/fixtures/sim/tiny.ndjson "$t/out" | head -20
    fail "output differs from tests/fixtures/sim/tiny.ndjson (see the header to regenerate)"
fi
# and the golden file itself is what the docs promise
grep -c "$(printf '\t')" tests/fixtures/sim/tiny.ndjson | grep -qx 720 || fail "expected 720 TSV samples"
[ "$(grep -c '"type":"label"' tests/fixtures/sim/tiny.ndjson)" -eq 1 ] || fail "expected 1 label"
exit 0
