#!/bin/sh
# bench/rca.sh [TRACES] - aiops-rca's service graph on 1,000 services and
# 10 M spans (TRACES traces of 10 spans, default 1,000,000), against
# networkx building the same graph and running the same PageRank.
#
#   1. bench/rca_spans.awk writes the span stream (NDJSON, ~1.6 GB) once;
#   2. bench/rca_speed.c (in one process, CPU seconds): the library's
#      reader, the graph (parents matched within the 5-min horizon, edges,
#      latency histograms) and PageRank (alpha 0.85, weights = calls);
#   3. bench/rca_networkx.py (/usr/bin/python3, python3-networkx): json.loads
#      per line, the same edges, networkx.pagerank;
#   4. aiops-rca --graph on the file, the whole tool (user + sys seconds).
# All on one core (CPU time, not wall time: the machine is shared).  The
# top-5 PageRank services of 2 and 3 must agree.  Results: docs/BENCHMARKS.md,
# "## aiops-rca (issue 23)".
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
traces=${1:-1000000}
work=${BENCH_DIR:-/tmp/aiops-bench}/rca
mkdir -p "$work"
[ -x "$root/bin/aiops-rca" ] || { echo "build first: make" >&2; exit 2; }
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/rca_speed.c" \
    "$root/libcore/libaiops.a" -larchive -lzstd -ljansson -lm -o "$work/rca_speed"
spans="$work/spans-$traces.ndjson"
[ -s "$spans" ] || awk -v traces="$traces" -v services=1000 -f "$root/bench/rca_spans.awk" > "$spans"
echo "spans: $(wc -l < "$spans") lines, $(($(wc -c < "$spans") / 1000000)) MB"
echo "aiops (in process):"
"$work/rca_speed" "$spans" | tee "$work/aiops.json"
echo "networkx:"
/usr/bin/python3 "$root/bench/rca_networkx.py" "$spans" | tee "$work/networkx.json"
/usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$root/bin/aiops-rca" --graph "$spans" > "$work/graph.json"
read -r u s m < "$work/time.txt"
echo "aiops-rca --graph: user+sys $(echo "$u $s" | awk '{print $1 + $2}') s, peak RSS $((m / 1024)) MB"
jq -n --slurpfile a "$work/aiops.json" --slurpfile p "$work/networkx.json" '
  ($a[0]) as $a | ($p[0]) as $p |
  "graph + PageRank: aiops \($a.graph_s + $a.pagerank_s | . * 100 | round / 100) s, networkx " +
  "\($p.read_and_match_s + $p.build_s + $p.pagerank_s | . * 100 | round / 100) s (reading included); " +
  "with reading: aiops \($a.read_s + $a.graph_s + $a.pagerank_s | . * 100 | round / 100) s; " +
  "PageRank alone: aiops \($a.pagerank_s) s, networkx \($p.pagerank_s) s; " +
  "same top 5: \([$a.top[][0]] == [$p.top[][0]])"' -r
