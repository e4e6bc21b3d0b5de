#!/bin/sh
# bench/replay.sh [SAMPLES] - aiops-replay throughput and peak memory.
#
# Generates a .tar.zst archive of SAMPLES (default 10,000,000) samples in
# the TSV and the NDJSON encoding (1,000 series), then times
#   aiops-replay ARCHIVE -f tsv -o /dev/null     (and NDJSON in/out)
# and reports samples/s and peak RSS.  Peak RSS is also measured at a tenth
# of the length to show it does not grow with the archive.
# Then logs/s and spans/s from simulated archives of logcli, Jaeger and
# OTLP files (aiops-simulate writes one trace format per archive, so the
# OTLP row reads a second archive).  Results: docs/BENCHMARKS.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000000}
series=1000
work=${BENCH_DIR:-/tmp/aiops-bench}
mkdir -p "$work"
cc -O2 -o "$work/gen-samples" "$root/bench/gen-samples.c"
replay="$root/bin/aiops-replay"
[ -x "$replay" ] || { echo "build first: make" >&2; exit 2; }

make_archive() {   # enc count -> path
    a="$work/samples-$1-$2.tar.zst"
    if [ ! -s "$a" ]; then
        d="$work/tree-$1-$2"; mkdir -p "$d"
        "$work/gen-samples" "$1" "$2" $series > "$d/samples.$1"
        tar -C "$d" -cf - "samples.$1" | zstd -q -3 -T2 > "$a"
        rm -rf "$d"
    fi
    echo "$a"
}

# run ARCHIVE OUTFMT COUNT -> "seconds rss_kb"
run() {
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$replay" "$1" -f "$2" -o /dev/null
    cat "$work/time.txt"
}

printf '%-8s %-8s %12s %10s %14s %12s\n' input output samples seconds "samples/s" "peak RSS MB"
for enc in tsv ndjson; do
    for count in $((n / 10)) $n; do
        a=$(make_archive $enc $count)
        best=""
        for i in 1 2 3; do
            r=$(run "$a" $enc $count)
            s=${r% *}
            if [ -z "$best" ] || awk "BEGIN{exit !($s < ${best% *})}"; then best=$r; fi
        done
        s=${best% *}; rss=${best#* }
        awk -v e=$enc -v c=$count -v s=$s -v r=$rss 'BEGIN{printf "%-8s %-8s %12d %10.2f %14.0f %12.1f\n", e, e, c, s, c/s, r/1024}'
    done
done
echo "archive sizes:"; ls -l "$work"/samples-*.tar.zst | awk '{print "  " $5 " " $9}'

# Logs and spans: simulated archives in the formats real systems write
# (logcli JSONL logs, Jaeger and OTLP JSON traces): 7 days of
# bench/scenarios/big.json with 2 log lines per service per minute and 20
# traces per minute.  An archive holds one trace format: obs.tar.zst the
# default (Jaeger), obs-otlp.tar.zst the same scenario with OTLP traces.
jq '.days = 7 | .logs.per_minute = 2 | .traces.per_minute = 20' \
    "$root/bench/scenarios/big.json" > "$work/obs.json"
for tf in jaeger otlp; do
    a="$work/obs.tar.zst"
    [ $tf = jaeger ] || a="$work/obs-$tf.tar.zst"
    [ -s "$a" ] || "$root/bin/aiops-simulate" "$work/obs.json" --trace-format $tf -o "$a"
done
printf '\n%-16s %12s %10s %14s %12s\n' members records seconds "records/s" "peak RSS MB"
for m in 'logs/*' 'traces/jaeger/*' 'traces/otlp/*'; do
    obs="$work/obs.tar.zst"
    case $m in traces/otlp/*) obs="$work/obs-otlp.tar.zst" ;; esac
    best=""
    for i in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$replay" --members "$m" "$obs" -o /dev/null
        r=$(cat "$work/time.txt")
        if [ -z "$best" ] || awk "BEGIN{exit !(${r% *} < ${best% *})}"; then best=$r; fi
    done
    count=$("$replay" --members "$m" --stats -o /dev/null "$obs" 2>&1 | awk '/records written/ {print $1}')
    awk -v m="$m" -v c="$count" -v s="${best% *}" -v r="${best#* }" \
        'BEGIN{printf "%-16s %12d %10.2f %14.0f %12.1f\n", m, c, s, c/s, r/1024}'
done
for a in "$work/obs.tar.zst" "$work/obs-otlp.tar.zst"; do
    echo "  archive $(basename "$a"): $(ls -l "$a" | awk '{print $5}') bytes"
done
