#!/bin/sh
# bench/fit.sh [SERIES] [SCALE_SERIES] - aiops-fit against Python statsmodels.
#
# 1. Same series, one run each: SERIES (default 10) hourly series of 8 weeks
#    (bench/fit_gen.py: daily and weekly pattern, trend, noise), trained on
#    6 weeks, the last 2 weeks held out.  For our seasonal, sarima and
#    holtwinters and statsmodels' STL, SARIMAX and ExponentialSmoothing:
#    the wall time of fitting every series and forecasting the whole
#    holdout (ours: aiops-fit --horizon 336 --step 1h), the ratio, and the
#    pooled MAPE/RMSE of the forecasts; plus one-step-ahead errors through
#    the holdout (ours: --train-until with --bands, scored as if live).
# 2. Scale: SCALE_SERIES (default 2000) such series at once through one
#    aiops-fit process: samples/s and peak RSS per model.
# Writes the figures into the "## aiops-fit" section of docs/BENCHMARKS.md.
# Needs bin/aiops-fit (make) and Debian's python3-statsmodels, which is
# installed here when running as root.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10}
scale=${2:-2000}
fit=${AIOPS_FIT:-$root/bin/aiops-fit}
py=/usr/bin/python3
work=${BENCH_DIR:-/tmp/aiops-bench-fit}
[ -x "$fit" ] || { echo "build first: make" >&2; exit 2; }
if ! $py -c 'import statsmodels' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-statsmodels >/dev/null
    else
        echo "bench/fit.sh: needs python3-statsmodels (apt-get install python3-statsmodels)" >&2
        exit 2
    fi
fi
mkdir -p "$work"
split=$((1709510400 + 6 * 7 * 86400))           # 6 weeks after the start
$py "$root/bench/fit_gen.py" "$n" 8 >"$work/all.tsv"
awk -F'\t' -v s=$split '$1 < s' "$work/all.tsv" >"$work/train.tsv"
awk -F'\t' -v s=$split '$1 >= s' "$work/all.tsv" >"$work/hold.tsv"

# timed OUT CMD... -> "seconds rss_kb" of the best of 3 runs, output in OUT
timed() {
    out=$1; shift
    best=""
    for i in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out"
        r=$(cat "$work/time.txt")
        if [ -z "$best" ] || awk "BEGIN{exit !(${r% *} < ${best% *})}"; then best=$r; fi
    done
    echo "$best"
}

res="$work/results.json"
echo "{\"series\":$n,\"ours\":{" >"$res"
sep=""
for m in seasonal sarima holtwinters; do
    fc=$(timed "$work/fc-$m.ndjson" "$fit" --model $m --train 1000d --horizon 336 --step 1h \
        --no-samples "$work/train.tsv")
    os=$(timed "$work/os-$m.ndjson" "$fit" --model $m --train-until $split --bands --no-samples \
        "$work/all.tsv")
    e1=$($py "$root/bench/fit_errors.py" "$work/hold.tsv" "$work/fc-$m.ndjson")
    e2=$($py "$root/bench/fit_errors.py" "$work/hold.tsv" "$work/os-$m.ndjson")
    printf '%s"%s":{"forecast_s":%s,"score_s":%s,"forecast":%s,"onestep":%s}\n' "$sep" $m \
        "${fc% *}" "${os% *}" "$e1" "$e2" >>"$res"
    sep=","
done
echo "},\"statsmodels\":" >>"$res"
$py "$root/bench/fit_statsmodels.py" "$work/train.tsv" "$work/hold.tsv" >>"$res"

# scale: many series at once
$py "$root/bench/fit_gen.py" "$scale" 8 >"$work/scale.tsv"
samples=$(wc -l <"$work/scale.tsv")
echo ",\"scale\":{\"series\":$scale,\"samples\":$samples,\"runs\":{" >>"$res"
sep=""
for m in ewma robust seasonal holtwinters sarima auto; do
    r=$(timed /dev/null "$fit" --model $m --train 6w --no-samples -o "$work/scale-$m.ndjson" "$work/scale.tsv")
    printf '%s"%s":{"seconds":%s,"rss_kb":%s}\n' "$sep" $m "${r% *}" "${r#* }" >>"$res"
    sep=","
done
echo "}}}" >>"$res"
$py "$root/bench/fit_report.py" "$res" "$root/docs/BENCHMARKS.md"
