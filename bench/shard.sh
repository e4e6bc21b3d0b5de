#!/bin/sh
# bench/shard.sh [BINDIR] - what --shard K/N buys on one box
# (docs/SCALE.md): aiops-fit over a simulated archive (the demo scenario,
# DAYS days at 5 min, default 7: 200 series) as one process, then as 2
# shards run side by side (this machine has 2 cores), each reading the
# whole input.  Three cases: the archive with the default model; the same
# records already replayed into NDJSON (no decompression, no log parsing);
# and the NDJSON with --model sarima, where fitting outweighs reading.
# Printed per run: wall seconds (start to end of all processes), CPU seconds
# (user+sys from /usr/bin/time, summed over the processes), the CPU of the
# busiest process (what bounds the wall time on idle cores) and the largest
# peak RSS; then the speedups.  The cores are shared with other jobs, so
# wall time is noisy: the CPU figures are the steady ones.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/bin}" && pwd)
dir=${BENCH_DIR:-$root/build/bench-shard}
days=${DAYS:-7}
mkdir -p "$dir"
[ -f "$dir/demo-$days.tar.zst" ] ||
    "$bin/aiops-simulate" --days "$days" -o "$dir/demo-$days.tar.zst" "$root/scenarios/demo.json"
[ -f "$dir/demo-$days.ndjson" ] ||
    "$bin/aiops-replay" "$dir/demo-$days.tar.zst" 2>/dev/null >"$dir/demo-$days.ndjson"
now() { date +%s.%N; }
# run INPUT N [FIT OPTIONS]: N shards at once; prints "wall cpu maxcpu maxrss"
run() {
    in=$1 n=$2 k=0
    shift 2
    t0=$(now)
    while [ $k -lt "$n" ]; do
        sh=""
        [ "$n" = 1 ] || sh="--shard $k/$n"
        /usr/bin/time -f '%U %S %M' -o "$dir/time-$k" "$bin/aiops-fit" "$@" $sh "$in" \
            >"$dir/out-$k" 2>/dev/null &
        k=$((k + 1))
    done
    wait
    t1=$(now)
    cat "$dir"/time-[0-9]* | awk -v w="$(echo "$t1 - $t0" | bc)" '
        { c = $1 + $2; cpu += c; if (c > mx) mx = c; if ($3 > rss) rss = $3 }
        END { printf "%.2f %.2f %.2f %d\n", w, cpu, mx, rss }'
    rm -f "$dir"/time-[0-9]*
}
samples=$(grep -c '"type":"sample"' "$dir/demo-$days.ndjson")
echo "aiops-fit, demo scenario, $days days, $samples samples of 200 series"
printf '%-22s %-16s %5s %8s %8s %10s %10s\n' input options procs wall cpu busiest rss_kib
row() {
    in=$1
    shift
    set -- "$in" "$@"
    r1=$(run "$in" 1 "$@"); r2=$(run "$in" 2 "$@")
    shift
    o=${*:-default}
    echo "$r1" | awk -v i="$(basename "$in")" -v o="$o" '{ printf "%-22s %-16s %5d %8.2f %8.2f %10.2f %10d\n", i, o, 1, $1, $2, $3, $4 }'
    echo "$r2" | awk -v i="$(basename "$in")" -v o="$o" '{ printf "%-22s %-16s %5d %8.2f %8.2f %10.2f %10d\n", i, o, 2, $1, $2, $3, $4 }'
    echo "$r1 $r2" | awk '{ printf "  speedup: wall %.2fx, busiest-process CPU %.2fx; CPU of both shards / one process %.2f\n",
                            $1 / $5, $3 / $7, $6 / $2 }'
}
row "$dir/demo-$days.tar.zst"
row "$dir/demo-$days.ndjson"
row "$dir/demo-$days.ndjson" --model sarima
