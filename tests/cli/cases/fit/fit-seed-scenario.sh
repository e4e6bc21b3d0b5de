# The seed scenario (tests/fixtures/fit/gen_cpu_batch.py): 21 days of CPU at
# 5-minute resolution, a nightly batch job at 02:00-03:00 near 90 %, and on
# the last day a real problem from 10:00 to 16:00 at 72 % and climbing, never
# above 80 %.  The static rule cpu>80 (for: 15m) pages every night and misses
# the problem; the seasonal model (same 15 minutes of debounce) pages for the
# problem only.
set -eu
f=tests/fixtures/fit/cpu-batch.tsv
last_day=1711238400                     # 2024-03-24T00:00:00Z
static=$("$BIN/aiops-fit" --static 'cpu>80' --for 15m --no-samples "$f" | jq -c 'select(.type == "anomaly")')
seasonal=$("$BIN/aiops-fit" --model seasonal --min-duration 15m --no-samples "$f" | jq -c 'select(.type == "anomaly")')

# static: fires on all 21 nights, always for the batch window, confirmed at 02:15
n=$(echo "$static" | jq -s '[.[] | select(.state=="firing")] | length')
[ "$n" = 21 ] || { echo "static: expected 21 firings, got $n"; exit 1; }
echo "$static" | jq -se 'all(.[] | select(.state=="firing"); (.start % 86400) == 7200 and .ts - .start == 900)' >/dev/null ||
    { echo "static: a firing outside 02:00"; exit 1; }
echo "$static" | jq -se "all(.[]; .start < $last_day + 36000 or .start >= $last_day + 57600)" >/dev/null ||
    { echo "static: fired for the day problem"; exit 1; }

# seasonal: exactly one event, the day problem, confirmed at 10:15, resolved at 16:00
echo "$seasonal" | jq -c 'select(.state=="firing")' >/tmp/aiops-fit-seed.$$
n=$(wc -l </tmp/aiops-fit-seed.$$)
rm -f /tmp/aiops-fit-seed.$$
[ "$n" = 1 ] || { echo "seasonal: expected 1 firing, got $n"; echo "$seasonal" | head; exit 1; }
echo "$seasonal" | jq -se "
  (map(select(.state==\"firing\"))[0] | .start == $last_day + 36000 and .ts == $last_day + 36900
      and .model == \"seasonal\" and .value < 80 and .value > .upper and .score > 1) and
  (map(select(.state==\"resolved\"))[0] | .end == $last_day + 57600)" >/dev/null ||
    { echo "seasonal: wrong event"; echo "$seasonal"; exit 1; }
# and never at night
echo "$seasonal" | jq -se 'all(.[]; (.start % 86400) >= 21600)' >/dev/null ||
    { echo "seasonal: fired at night"; exit 1; }
echo "seed scenario ok"
