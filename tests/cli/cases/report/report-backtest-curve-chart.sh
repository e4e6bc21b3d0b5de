#!/bin/sh
# The threshold curve of a single evaluation is drawn as precision and
# recall against the threshold (backtest-4.svg, linked from the report),
# one labelled point per threshold of aiops-eval's detection.curve.
set -eu
command -v gnuplot >/dev/null 2>&1 || { echo "skip: no gnuplot"; exit 0; }
d=$(mktemp -d /tmp/aiops-rep.XXXXXX)
trap 'rm -rf "$d"' EXIT
aiops-report --eval tests/fixtures/report/eval-curve.json -o "$d" >/dev/null
f="$d/backtest-4.svg"
test -s "$f" || { echo "no threshold chart"; exit 1; }
for t in 0.5 0.7 0.9 0.95; do
    grep -q ">$t<" "$f" || { echo "threshold $t not labelled"; exit 1; }
done
grep -q 'precision' "$f" && grep -q 'recall' "$f"
grep -q 'backtest-4.svg' "$d/backtest.md"
echo ok
