#!/bin/sh
# bench/cluster.sh [BINDIR] - aiops-cluster's speed and memory, and its
# DBSCAN against scikit-learn's on the same features, in one run.
#
#  1. bench/cluster_gen.py writes N (default 1 000 000) firing alerts plus
#     their resolved records (a 400-service call tree, storms up to 4 hops
#     up, re-sent firings, 5 % noise) and the graph; kept in $BENCH_DIR.
#  2. aiops-cluster (default method, --incidents-only, the graph) on one
#     core (taskset -c 0, OPENBLAS_NUM_THREADS=1): wall and CPU seconds and
#     peak RSS (/usr/bin/time), on the first quarter and on all N: the peak
#     RSS must not grow with the input (memory bounded by the window).
#     aiops-replay of the same file gives the share of reading and parsing;
#     bench/cluster_engine.c times the engine alone on records parsed first.
#  3. DBSCAN: bench/cluster_sklearn.py computes the features of
#     --method dbscan (time / 5m, 8-dim PPMI+SVD service embedding,
#     severity) for the first SK_POINTS (default: all N) firing alerts and
#     times sklearn.cluster.DBSCAN.fit; bench/cluster_dbscan.c times
#     libcore's aiops_cluster_dbscan on the very same matrix; the ratio and
#     the ARI between the two labelings (agreement) are printed.
# Figures go to docs/BENCHMARKS.md by hand, with this command beside them.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/bin}" && pwd)
dir=${BENCH_DIR:-$root/build/bench-cluster}
n=${N:-1000000}
sk=${SK_POINTS:-$n}
mkdir -p "$dir"
export OPENBLAS_NUM_THREADS=1
one="taskset -c 0"
command -v taskset >/dev/null || one=
alerts=$dir/alerts-$n.ndjson
[ -s "$alerts" ] || /usr/bin/python3 "$root/bench/cluster_gen.py" "$n" "$alerts" "$dir/graph.dot"
q=$(grep -n -m 1 '' "$alerts" >/dev/null; awk -v n="$n" '/"state":"firing"/ { f++ } f >= n / 4 { print NR; exit }' "$alerts")
head -n "$q" "$alerts" > "$dir/quarter.ndjson"

timed() {   # label, command...: wall s, cpu s, peak RSS MB
    label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" > "$dir/out.ndjson" 2> "$dir/err.txt" || { cat "$dir/err.txt"; exit 2; }
    read -r wall user sys rss < "$dir/time.txt"
    printf '%-34s wall %6.2f s  cpu %6.2f s  peak RSS %5d MB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
}
echo "alerts: $n firing (+ resolved records) in $(wc -l < "$alerts") lines, $(($(wc -c < "$alerts") / 1048576)) MB"
timed "aiops-replay (read and parse only)" $one "$bin/aiops-replay" "$alerts"
timed "aiops-cluster, first quarter" $one "$bin/aiops-cluster" --incidents-only --stats -g "$dir/graph.dot" \
    --ignore-labels severity,service,incident_truth "$dir/quarter.ndjson"
timed "aiops-cluster, all" $one "$bin/aiops-cluster" --incidents-only --stats -g "$dir/graph.dot" \
    --ignore-labels severity,service,incident_truth "$alerts"
sed 's/^/    /' "$dir/err.txt"
timed "aiops-cluster --method dbscan, all" $one "$bin/aiops-cluster" --method dbscan --incidents-only \
    --ignore-labels severity,service,incident_truth "$alerts"
timed "aiops-cluster --method group-by, all" $one "$bin/aiops-cluster" --method group-by --incidents-only \
    --group-by alertname "$alerts"

# the engine alone: records parsed into memory first, push/pop timed
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/cluster_engine.c" \
    "$root/libcore/libaiops.a" -larchive -lzstd -ljansson -llapacke -lopenblas -lm -o "$dir/cluster_engine"
echo "engine alone (bench/cluster_engine.c, parsed in memory first): \
$($one "$dir/cluster_engine" "$alerts" "$dir/graph.dot" severity,service,incident_truth)"

# DBSCAN side by side on one matrix
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/cluster_dbscan.c" \
    "$root/libcore/libaiops.a" -ljansson -llapacke -lopenblas -lm -o "$dir/cluster_dbscan"
py=$($one /usr/bin/python3 "$root/bench/cluster_sklearn.py" "$alerts" "$dir/features.tsv" "$dir/sk.labels" 1 3 "$sk")
c=$($one "$dir/cluster_dbscan" "$dir/features.tsv" 1 3 "$dir/c.labels")
ari=$(/usr/bin/python3 -c "import sys, numpy as np; from sklearn.metrics import adjusted_rand_score as a; print('%.4f' % a(np.loadtxt('$dir/sk.labels'), np.loadtxt('$dir/c.labels')))")
set -- $py
sk_n=$1 sk_d=$2 sk_s=$3 sk_k=$4
set -- $c
echo "DBSCAN on the same $sk_n x $sk_d features (eps 1, min_samples 3):"
echo "    scikit-learn DBSCAN.fit: $sk_s s CPU, $sk_k clusters"
echo "    libcore aiops_cluster_dbscan: $3 s CPU, $4 clusters"
echo "    ratio $(echo "scale=1; $sk_s / $3" | bc)x; ARI between the two labelings $ari"
