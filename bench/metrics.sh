#!/bin/sh
# bench/metrics.sh [SIZE] - the metric readers of aiops-replay side by side
# with `jq -c .` and with the Python reference's reader (json.load +
# numpy.asarray, bench/metrics_peer.py) on the same files in one run
# (issues 21 and 28).  Results: docs/BENCHMARKS.md, "Metric readers".
#
# 1. The metrics of the end-to-end benchmark's test archive (SIZE = 1x,
#    the default, or 10x: bench/scenarios/e2e-SIZE.json, seed 1), as the
#    archive holds them: one Prometheus query_range JSON document per
#    metric and day.  The same samples as VictoriaMetrics export lines
#    and as our NDJSON and TSV stream.
# 2. TSV_N (default 10,000,000) TSV samples of 1,000 series from
#    bench/gen-samples.c, as a plain file, and the same as NDJSON.
# 3. One query_range document of BIG_MB megabytes (default 256; 0 leaves
#    it out) from bench/metrics_bigdoc.py: peak RSS against its size.
#
# Every program reads each input once (the machine is shared: CPU
# seconds, user + sys, are the steady figure); output to /dev/null.
# OLD=path/to/an older aiops-replay adds its figures in the same run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1x}
tsv_n=${TSV_N:-10000000}
big_mb=${BIG_MB:-256}
work=${BENCH_DIR:-/tmp/aiops-bench-metrics}
replay="$root/bin/aiops-replay"
python=${PYTHON:-/usr/bin/python3}   # Debian python3-numpy
old=${OLD:-}
[ -x "$replay" ] || { echo "build first: make" >&2; exit 2; }
command -v jq > /dev/null || { echo "jq is needed (apt-get install jq)" >&2; exit 2; }
mkdir -p "$work"
cc -O2 -o "$work/gen-samples" "$root/bench/gen-samples.c"

# timed CMD... -> "cpu_s rss_kb"
timed() {
    /usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$@" > /dev/null
    awk '{printf "%.2f %s", $1 + $2, $3}' "$work/time.txt"
}

# row LABEL PROGRAM SAMPLES "cpu rss" [BASE_CPU]: CPU s, samples per CPU s,
# peak RSS, and BASE_CPU / CPU (how many times faster than the peer).
row() {
    set -- "$1" "$2" "$3" $4 "${5:-}"
    awk -v l="$1" -v p="$2" -v n="$3" -v c="$4" -v m="$5" -v b="$6" 'BEGIN{
        r = b == "" ? "" : sprintf("%.1fx", b / (c > 0 ? c : 0.005))
        printf "| %s | %s | %d | %.2f | %.2f M | %.1f MB | %s |\n", l, p, n, c,
               n / (c > 0 ? c : 0.005) / 1e6, m / 1024, r }'
}

echo "# bench/metrics.sh $size on $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| input | program | samples | CPU s | samples/CPU s | peak RSS | ours faster |"
echo "|---|---|---|---|---|---|---|"

# 1. the e2e archive's query_range documents
d="$work/e2e-$size"
if [ ! -d "$d/metrics" ]; then
    mkdir -p "$d"
    "$root/bin/aiops-simulate" "$root/bench/scenarios/e2e-$size.json" --seed 1 \
        -o "$d/test.tar.zst" 2> /dev/null
    tar -C "$d" --zstd -xf "$d/test.tar.zst" metrics
fi
files=$(find "$d/metrics" -name '*.json' | sort)
"$replay" "$d/metrics" > "$d/m.ndjson"
"$replay" -f tsv "$d/metrics" > "$d/m.tsv"
n=$(wc -l < "$d/m.tsv")
py=$(timed "$python" "$root/bench/metrics_peer.py" $files)
jqr=$(timed jq -c . $files)
ours=$(timed "$replay" "$d/metrics")
label="e2e $size: $(echo "$files" | wc -l) query_range files, $(du -sh "$d/metrics" | cut -f1)"
row "$label" "Python json.load + numpy.asarray" "$n" "$py"
row "$label" "jq -c ." "$n" "$jqr"
row "$label" "aiops-replay (prom-api)" "$n" "$ours" "${py%% *}"
[ -n "$old" ] && row "$label" "OLD aiops-replay" "$n" "$(timed "$old" "$d/metrics")" "${py%% *}"
# the same series as VictoriaMetrics export lines (made with jq, not timed)
[ -s "$d/m.vmexport.jsonl" ] || jq -c '.data.result[] | {metric, values: [.values[][1] | tonumber],
    timestamps: [.values[][0] * 1000]}' $files > "$d/m.vmexport.jsonl"
row "same samples, VictoriaMetrics export lines" "jq -c ." "$n" "$(timed jq -c . "$d/m.vmexport.jsonl")"
row "same samples, VictoriaMetrics export lines" "aiops-replay (vm-export)" "$n" \
    "$(timed "$replay" "$d/m.vmexport.jsonl")"
[ -n "$old" ] && row "same samples, VictoriaMetrics export lines" "OLD aiops-replay" "$n" \
    "$(timed "$old" "$d/m.vmexport.jsonl")"
row "same samples, our NDJSON" "aiops-replay" "$n" "$(timed "$replay" "$d/m.ndjson")" "${py%% *}"
row "same samples, our TSV" "aiops-replay -f tsv" "$n" "$(timed "$replay" -f tsv "$d/m.tsv")" "${py%% *}"

# 2. plain TSV and NDJSON samples
if [ "$tsv_n" -gt 0 ]; then
    t="$work/samples-$tsv_n"
    [ -s "$t.tsv" ] || "$work/gen-samples" tsv "$tsv_n" 1000 > "$t.tsv"
    [ -s "$t.ndjson" ] || "$work/gen-samples" ndjson "$tsv_n" 1000 > "$t.ndjson"
    row "TSV, 1,000 series" "aiops-replay -f tsv" "$tsv_n" "$(timed "$replay" -f tsv "$t.tsv")"
    [ -n "$old" ] && row "TSV, 1,000 series" "OLD aiops-replay -f tsv" "$tsv_n" "$(timed "$old" -f tsv "$t.tsv")"
    row "NDJSON, 1,000 series" "aiops-replay" "$tsv_n" "$(timed "$replay" "$t.ndjson")"
    [ -n "$old" ] && row "NDJSON, 1,000 series" "OLD aiops-replay" "$tsv_n" "$(timed "$old" "$t.ndjson")"
fi

# 3. one big query_range document
if [ "$big_mb" -gt 0 ]; then
    b="$work/big-$big_mb.json"
    [ -s "$b" ] || "$python" "$root/bench/metrics_bigdoc.py" "$big_mb" 100 > "$b"
    bn=$("$replay" -f tsv "$b" | wc -l)
    label="one query_range document, $(du -sh "$b" | cut -f1)"
    py=$(timed "$python" "$root/bench/metrics_peer.py" "$b")
    row "$label" "Python json.load + numpy.asarray" "$bn" "$py"
    row "$label" "jq -c ." "$bn" "$(timed jq -c . "$b")"
    row "$label" "aiops-replay (prom-api)" "$bn" "$(timed "$replay" "$b")" "${py%% *}"
    [ -n "$old" ] && row "$label" "OLD aiops-replay" "$bn" "$(timed "$old" "$b")" "${py%% *}"
fi
exit 0
