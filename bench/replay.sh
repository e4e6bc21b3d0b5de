#!/bin/sh
# bench/replay.sh [SAMPLES] - aiops-replay throughput and peak memory.
#
# Generates a .tar.zst archive of SAMPLES (default 10,000,000) samples in
# the TSV and the NDJSON encoding (1,000 series), then times
#   aiops-replay ARCHIVE -f tsv -o /dev/null     (and NDJSON in/out)
# and reports samples/s and peak RSS.  Peak RSS is also measured at a tenth
# of the length to show it does not grow with the archive.
# Results: docs/BENCHMARKS.md.
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
