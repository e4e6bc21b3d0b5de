# Issue 26 acceptance: `make demo` (tools/demo.sh) ends by writing the demo
# archive's report and printing its path; the report has both incidents.
set -eu
[ -f datasets/demo/demo.tar.zst ] || { echo "skipped: no datasets/demo/demo.tar.zst"; exit 0; }
[ -x bin/aiops-report ] || { echo "skipped: bin/ is not built"; exit 0; }
out=$(tools/demo.sh)
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "   report: reports/demo/index.html" ] || { echo "last line: $last"; exit 1; }
for f in index.html index.md INC-1.html INC-1.md INC-2.html INC-2.md; do
    [ -s "reports/demo/$f" ] || { echo "missing reports/demo/$f"; exit 1; }
done
grep -q 'payments heap leak after v2.7.0' reports/demo/INC-1.html
grep -q 'detected 40.0 minutes earlier on median' reports/demo/index.html
