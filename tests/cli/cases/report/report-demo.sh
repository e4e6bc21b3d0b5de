# Issue 26 acceptance: `make demo` (tools/demo.sh) ends by writing the demo
# archive's report and printing its path; the report has both incidents.
set -eu
[ -f datasets/demo/demo.tar.zst ] || { echo "skipped: no datasets/demo/demo.tar.zst"; exit 0; }
[ -x bin/aiops-report ] || { echo "skipped: bin/ is not built"; exit 0; }
out=$(tools/demo.sh)
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "   report: reports/demo/index.html" ] || { echo "last line: $last"; exit 1; }
for f in index.html index.md inc-3.html inc-3.md inc-7.html inc-7.md; do
    [ -s "reports/demo/$f" ] || { echo "missing reports/demo/$f"; exit 1; }
done
# aiops-cluster's incidents, matched to the injected ones, root causes ranked
grep -q 'ground truth: INC-1 payments heap leak after v2.7.0 (root cause payments)' reports/demo/inc-3.html
grep -q '^| \[inc-7\](inc-7.md) | .* | db-orders | ' reports/demo/index.md
grep -q 'detected 40.0 minutes earlier on median' reports/demo/index.html
printf '%s\n' "$out" | grep -q '^   inc-7  2024-01-03T15:00:00Z  7 services, 15 alerts, 29 anomalies ranked: db-orders,.*truth: INC-2 (root cause db-orders)$'
