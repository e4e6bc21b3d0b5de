#!/bin/sh
# bench/summary.sh [small|large] - every benchmark, one summary table (what
# `make bench` runs; `make bench BENCH_SIZE=large` for the big runs).
#
# Runs bench/replay.sh, archive.sh, metrics.sh, simulate.sh, fit.sh, score.sh, cluster.sh,
# rca.sh, predict.sh, templates.sh, shard.sh, follow.sh and e2e.sh one after the other, each at the
# size below, keeps each one's whole output in $BENCH_DIR/summary-SIZE/
# NAME.out, and prints one Markdown table: each benchmark's key figures
# against its peer (jq, statsmodels, scikit-learn, networkx, the Python
# Drain, the Python AIOps pipeline) and the CPU seconds (user + sys of the
# script and everything it ran) and wall seconds it took.  The machine may
# be shared: the ratios inside each script are CPU-time ratios measured
# side by side in the same run.
#
#   benchmark  small (default; < 10 min on 2 idle cores)       large
#   replay     1 M samples; a quarter day of logs/spans;        10 M samples, a day, the 1 GB
#              no 1 GB document                                 document
#   archive    1 M TSV samples, plain and .tar.zst              10 M
#   metrics    e2e-1x query_range files; 1 M TSV/NDJSON         10 M; a 256 MB document
#              samples; no big document
#   simulate   bench/scenarios/e2e-1x.json (200 k samples)        big.json (40 M samples)
#   fit        2 series, 200 for scale, 1 rep, 20 whole         10, 2000, 3 reps, 200
#   score      1 M points per model                             10 M
#   cluster    100 000 alerts                                   1 000 000
#   rca        100 000 traces (1 M spans)                       1 000 000 (10 M spans)
#   predict    1 rep                                            5 reps
#   templates  3 passes                                         30 passes
#   e2e        1x (10 services, 7 days)                         10x (100 services, 14 days)
#
# A benchmark whose data set is missing (templates needs Loghub-2k) or
# that fails is reported as such in its row; the others still run.  Exit
# status 1 when one failed.  ONLY="rca e2e" runs a subset; SUMMARY_ONLY=1
# runs nothing and prints the table of the last run of that size.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
size=${1:-${BENCH_SIZE:-small}}
case $size in small|large) ;; *) echo "bench/summary.sh: size is small or large, not '$size'" >&2; exit 2;; esac
base=${BENCH_DIR:-/tmp/aiops-bench}
out=$base/summary-$size
mkdir -p "$out" || exit 2
make -s -j2 all >/dev/null || exit 2
all="replay archive metrics simulate fit score cluster rca predict templates shard follow e2e"
only=${ONLY:-$all}
failed=0

# run NAME CMD...: the benchmark in its own work directory, whole output
# in $out/NAME.out, "wall cpu" in $out/NAME.time
run() {
    name=$1
    shift
    echo "bench/summary.sh: $name ($*)" >&2
    /usr/bin/time -f "%e %U %S" -o "$out/$name.time" env BENCH_DIR="$base/$size-$name" "$@" \
        > "$out/$name.out" 2> "$out/$name.err"
    echo $? > "$out/$name.rc"
}

for b in $only; do
    [ -n "${SUMMARY_ONLY:-}" ] && break
    if [ "$size" = small ]; then
        case $b in
        replay) run replay env OBS_DAYS=0.25 BIG_DOC=0 bench/replay.sh 1000000 ;;
        archive) run archive bench/archive.sh 1000000 ;;
        metrics) run metrics env TSV_N=1000000 BIG_MB=0 bench/metrics.sh 1x ;;
        simulate) run simulate bench/simulate.sh bench/scenarios/e2e-1x.json ;;
        fit) run fit env RESULTS_ONLY=1 REPS=1 WHOLE=20 bench/fit.sh 2 200 ;;
        score) run score bench/score.sh 1000000 ;;
        cluster) run cluster env N=100000 bench/cluster.sh ;;
        rca) run rca bench/rca.sh 100000 ;;
        predict) run predict bench/predict.sh 1 ;;
        templates) run templates bench/templates.sh 3 ;;
        shard) run shard bench/shard.sh ;;
        follow) run follow bench/follow.sh ;;
        e2e) run e2e bench/e2e.sh 1x ;;
        esac
    else
        case $b in
        replay) run replay bench/replay.sh ;;
        archive) run archive bench/archive.sh ;;
        metrics) run metrics bench/metrics.sh 1x ;;
        simulate) run simulate bench/simulate.sh ;;
        fit) run fit env RESULTS_ONLY=1 bench/fit.sh ;;
        score) run score bench/score.sh ;;
        cluster) run cluster bench/cluster.sh ;;
        rca) run rca bench/rca.sh ;;
        predict) run predict bench/predict.sh ;;
        templates) run templates bench/templates.sh ;;
        shard) run shard bench/shard.sh ;;
        follow) run follow bench/follow.sh ;;
        e2e) run e2e bench/e2e.sh 10x ;;
        esac
    fi
done

# key NAME: the key figures of NAME's output, one line
key() {
    f=$out/$1.out
    case $1 in
    replay)
        awk '$1 == "TSV" && $2 == "plain" { printf "TSV samples %.2f M/CPU s; ", $8 / 1e6 }
             $1 == "NDJSON" { printf "NDJSON .tar.zst %.2f M/CPU s; ", $8 / 1e6 }
             $1 ~ /^(logcli.jsonl|jaeger.json)$/ && NF >= 13 {
                 printf "%s %.0f k/CPU s (%s jq, CPU); ", $1, $7 / 1e3, $13 }' "$f" | sed 's/; $//' ;;
    archive)
        # rows "| new: .tar.zst | wall | cpu | per wall | per CPU | rss |"
        awk -F'|' 'function t(x) { gsub(/^ +| +$/, "", x); return x }
             $2 ~ /^ new: / { l = t($2); sub(/^new: /, "", l)
                 printf "%s %s/wall s (%s/CPU s); ", l, t($5), t($6) }
             $2 ~ /^ zstd -dc/ { printf "zstd -dc alone %s/wall s; ", t($6) }' "$f" |
            sed 's/; $//' ;;
    metrics)
        # rows "| input | program | samples | CPU s | per CPU s | RSS | ours faster |"
        awk -F'|' 'function t(x) { gsub(/^ +| +$/, "", x); return x }
             $3 ~ /^ aiops-replay \(prom-api\)/ && $2 ~ /e2e/ {
                 printf "query_range files %s/CPU s (%s the Python reader); ", t($6), t($8) }
             $3 ~ /^ aiops-replay -f tsv/ && $2 ~ /^ TSV/ { printf "TSV %s/CPU s; ", t($6) }
             $3 ~ /^ aiops-replay $/ && $2 ~ /^ NDJSON/ { printf "NDJSON %s/CPU s; ", t($6) }' "$f" |
            sed 's/; $//' ;;
    simulate)
        awk '$1 == "metrics" { printf "%d samples at %.2f M samples/s (wall), peak RSS %s MB", $3, $5 / 1e6, $6 }' "$f" ;;
    fit)
        # the speed table of the section fit_report.py writes: ours vs statsmodels, CPU (wall)
        awk -F'|' '/^\| ours \| statsmodels \| fit\+forecast/ { on = 1; next }
             on && /^\|---/ { next }
             on && /^\|/ { gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $5); printf "%s %s; ", $2, $5; next }
             on { exit }' "$BENCH_DIR_FIT/section.md" 2>/dev/null | sed 's/; $//; s/^/fit+forecast, statsmodels \/ ours, CPU (wall): /' ;;
    score)
        awk -F'|' '/^\| (ewma|seasonal) / { gsub(/ /, "", $2); printf "%s %s M points/s; ", $2, $5 }' "$f" |
            sed 's/; $//; s/  */ /g' ;;
    cluster)
        { grep '^aiops-cluster, all' "$f" | sed 's/  */ /g'
          grep 'ratio .*x; ARI' "$f" | sed 's/^ *//; s/^ratio/DBSCAN scikit-learn \/ ours/'; } | paste -sd';' - |
            sed 's/;/; /' ;;
    rca) tail -n 1 "$f" ;;
    predict)
        awk -F'|' '$4 ~ /sklearn lbfgs/ { gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $8); printf "%s matrix: sklearn lbfgs %s; ", $2, $8 }' "$f" |
            sed 's/; $//' ;;
    templates)
        awk '/^aiops logtmpl:/ { for (i = 1; i < NF; i++) if ($i == "lines_per_s") o = $(i + 1) }
             /^python Drain:/ { for (i = 1; i < NF; i++) if ($i == "lines_per_s") p = $(i + 1) }
             END { if (o && p) printf "ours %.0f k lines/CPU s, Python Drain %.0f k (%.1fx)", o / 1e3, p / 1e3, o / p }' "$f" ;;
    shard) grep 'speedup' "$f" | sed 's/^ *speedup: //' | paste -sd';' - | sed 's/;/; /g' ;;
    follow) tail -n 1 "$f" ;;
    e2e) tail -n 1 "$f" | sed 's/^e2e [0-9x]*: //' ;;
    esac
}

echo
echo "## bench/summary.sh $size ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| benchmark | peer | key figures (ratios: peer / ours, CPU time, same run) | CPU s | wall s |"
echo "|---|---|---|---|---|"
for b in $only; do
    case $b in
    replay) peer="jq -c ." ;; archive) peer="zstd -dc, jq -cR" ;;
    metrics) peer="Python json.load + numpy, jq" ;; simulate) peer="-" ;; fit) peer="statsmodels" ;; score) peer="(targets)" ;;
    cluster) peer="scikit-learn DBSCAN" ;; rca) peer="networkx" ;; predict) peer="scikit-learn" ;;
    templates) peer="Python Drain" ;; shard) peer="1 process" ;; follow) peer="(target < 1 s)" ;; e2e) peer="pandas/statsmodels/sklearn/networkx pipeline" ;;
    esac
    rc=$(cat "$out/$b.rc" 2>/dev/null || echo none)
    BENCH_DIR_FIT=$base/$size-fit
    if [ "$rc" = none ]; then
        k="not run"
    elif [ "$rc" = 0 ]; then
        k=$(key "$b")
    else
        k="**failed (exit $rc)**: $(tail -n 1 "$out/$b.err" 2>/dev/null | cut -c1-120)"
        [ "$b" = templates ] && grep -q 'no .*loghub' "$out/$b.err" 2>/dev/null && k="skipped: Loghub-2k not found"
        failed=1
    fi
    t=$(tail -n 1 "$out/$b.time" 2>/dev/null | awk '{ printf "%.0f | %.0f", $2 + $3, $1 }')
    echo "| $b | $peer | ${k:--} | ${t:--  | -} |"
done
echo
for b in $only; do tail -n 1 "$out/$b.time" 2>/dev/null; done |
    awk '{ c += $2 + $3; w += $1 } END { printf "Total: %.0f CPU s, %.0f wall s.\n", c, w }'
echo "Whole outputs: $out/NAME.out; commands: docs/BENCHMARKS.md."
exit $failed
