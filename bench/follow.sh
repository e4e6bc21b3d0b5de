#!/bin/sh
# bench/follow.sh [BINDIR] - the latency of the live pipe (docs/SCALE.md):
# from an input line written into a FIFO to its anomaly record out of
#     aiops-replay --follow - <FIFO | aiops-fit --load models.json --no-samples
# and, behind it, out of aiops-cluster (which passes the anomaly on).
#
#  1. A model (ewma: every spike fires; the default model reports only
#     rising edges) is fitted on 2 days of one series at 10 s steps (a daily
#     sine plus noise, made by awk) and saved.
#  2. A writer puts the next 120 points into a FIFO, one every 50 ms, every
#     30th a spike (4 spikes), noting the wall time (date +%s.%N) at which
#     each line was written.
#  3. Each output line of the pipe is stamped with the wall time it came
#     out; an anomaly's latency is its stamp minus the write time of the
#     input line with its ts.  Printed: each spike's latency through fit and
#     through cluster, and the largest, which must be < 1 s (exit 1 else).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/bin}" && pwd)
dir=${BENCH_DIR:-$root/build/bench-follow}
mkdir -p "$dir"
t0=1700000000
awk -v t0=$t0 'BEGIN { srand(7); for (i = 0; i < 17280; i++)
    printf "{\"type\":\"sample\",\"ts\":%d,\"name\":\"latency_ms\",\"labels\":{\"service\":\"api\"},\"value\":%.3f}\n",
           t0 + 10 * i, 100 + 20 * sin(i * 2 * 3.14159265 / 8640) + 3 * (rand() - 0.5) }' >"$dir/train.ndjson"
"$bin/aiops-fit" --model ewma --train 1d --save "$dir/models.json" --no-samples "$dir/train.ndjson" >/dev/null
start=$((t0 + 17280 * 10))
rm -f "$dir/fifo" "$dir/tee" "$dir/in.log" "$dir/fit.out" "$dir/cluster.out"
mkfifo "$dir/fifo" "$dir/tee"
stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N)" "$l"; done; }
"$bin/aiops-cluster" <"$dir/tee" | stamp >"$dir/cluster.out" &
clu=$!
"$bin/aiops-replay" --follow - <"$dir/fifo" | "$bin/aiops-fit" --load "$dir/models.json" --no-samples |
    tee "$dir/tee" | stamp >"$dir/fit.out" &
pipe=$!
exec 3>"$dir/fifo"
i=0
while [ $i -lt 120 ]; do
    ts=$((start + 10 * i))
    v=$(awk -v i=$i 'BEGIN { srand(100 + i); print 100 + 20 * sin((17280 + i) * 2 * 3.14159265 / 8640) + 3 * (rand() - 0.5) }')
    [ $((i % 30)) -eq 29 ] && v=400
    printf '{"type":"sample","ts":%d,"name":"latency_ms","labels":{"service":"api"},"value":%s}\n' $ts "$v" >&3
    printf '%s %s\n' $ts "$(date +%s.%N)" >>"$dir/in.log"
    sleep 0.05
    i=$((i + 1))
done
exec 3>&-
wait $pipe $clu
# the anomalies' latency through replay | fit | cluster
lat() {
    grep '"type":"anomaly"' "$1" | grep '"state":"firing"' |
        sed 's/^\([0-9.]*\) .*"ts":\([0-9.]*\),.*/\2 \1/' |
        while read -r ts out; do
            inw=$(awk -v t=$ts '$1 == t { print $2 }' "$dir/in.log")
            awk -v a="$out" -v b="$inw" -v t=$ts 'BEGIN { printf "%d %.3f\n", t, a - b }'
        done
}
for stage in fit cluster; do
    lat "$dir/$stage.out" >"$dir/lat-$stage"
    n=$(wc -l <"$dir/lat-$stage")
    [ "$n" -ge 4 ] || { echo "$stage: expected 4 anomalies, got $n"; exit 1; }
done
echo "anomaly latency (s): ts, through replay --follow | fit --load, through ... | cluster"
join "$dir/lat-fit" "$dir/lat-cluster"
max=$(cat "$dir/lat-fit" "$dir/lat-cluster" | awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.3f", m }')
echo "max latency: $max s (target < 1 s)"
awk -v m="$max" 'BEGIN { exit !(m < 1) }'
