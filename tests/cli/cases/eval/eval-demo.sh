# Issue 19 item 18: `make demo` (tools/demo.sh) gives delays with their unit
# and marks each listed alarm as in an incident or a FALSE ALARM; the marks
# agree with aiops-eval's count (9 alarms, 1 false; aiops-fit's defaults).
# Runs the bin/ tools.
set -eu
[ -f datasets/demo/demo.tar.zst ] || { echo "skipped: no datasets/demo/demo.tar.zst"; exit 0; }
[ -x bin/aiops-eval ] || { echo "skipped: bin/ is not built"; exit 0; }
out=$(tools/demo.sh)
marks=$(printf '%s\n' "$out" | sed -n '/== 3/,/anomaly events in all/p')
[ "$(printf '%s\n' "$marks" | grep -c 'Z  FALSE ALARM  ')" -eq 1 ] || { printf '%s\n' "$marks"; exit 1; }
[ "$(printf '%s\n' "$marks" | grep -c 'Z  in INC-[12]  ')" -eq 8 ] || { printf '%s\n' "$marks"; exit 1; }
printf '%s\n' "$marks" | grep -q '^   2024-01-02T02:05:00Z  FALSE ALARM  1 series: db-orders cpu_usage_ratio$'
printf '%s\n' "$out" | grep -q '^     event.alarms  *9$'
printf '%s\n' "$out" | grep -q '^     event.false_alarms  *1$'
printf '%s\n' "$out" | grep -q '^     event.delay_median  *150 s (2.5 min)$'
printf '%s\n' "$out" | grep -q '^     baseline.delay_median  *2550 s (42.5 min)$'
