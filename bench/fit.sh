#!/bin/sh
# bench/fit.sh [SERIES] [SCALE_SERIES] - aiops-fit's models against Python
# statsmodels on the same series, timed the same way, with the same
# seasonality information, scored on the same holdout.
#
# Data: SERIES (default 10) hourly series of 8 weeks (bench/fit_gen.py:
# daily hump, weekends at 70 %, trend, AR(1) wander, noise), trained on 6
# weeks; the last 2 weeks (336 points each) are the holdout.
#
# Pairs (ours / statsmodels, and what each side is given):
#   seasonal          default: daily + weekly Fourier terms and a daily
#                     profile / STLForecast, period 168 (a week, which
#                     holds the daily cycle; 0.13 has no MSTL)
#   sarima            orders by AIC, season 24 / SARIMAX with the orders
#                     ours chose for that series, season 24
#   holtwinters 1d    damped trend, season 24 (default --period 1d) /
#                     ExponentialSmoothing, damped additive trend, season 24
#   holtwinters 1w    --period 1w: season 168 / the same with season 168
#
# Speed, per series, best of REPS (default 3) runs, one thread each
# (OPENBLAS_NUM_THREADS=1 for both sides), by CPU time (user + system of
# the process: on a shared machine far steadier than the wall clock) and
# by the wall clock:
#   in-process   bench/fit_inproc.c (our library, no process start-up,
#                parsing or output in the timed part) against
#                bench/fit_statsmodels.py (after imports and reading): fit,
#                forecast of the whole holdout, one-step scoring through it;
#   whole tool   aiops-fit on WHOLE (default 200) such series, best of REPS,
#                divided by WHOLE: start-up, parsing, fitting, scoring or
#                forecasting, writing the band records.
# Errors: pooled MAPE and RMSE over all held-out points, of the 336-step
# forecast and of the one-step-ahead predictions (bench/fit_errors.py, the
# same code for both sides).  aiops-fit's own output is checked to equal
# the in-process predictions.
# Scale: SCALE_SERIES (default 2000; 0 skips) such series through one
# aiops-fit process per model: samples/s and peak RSS.
# Writes the figures into the "## aiops-fit" section of docs/BENCHMARKS.md
# (RESULTS_ONLY=1: only into $BENCH_DIR/section.md).  Needs make, cc and
# Debian's python3-statsmodels (installed here when running as root).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10}
scale=${2:-2000}
reps=${REPS:-3}
whole=${WHOLE:-200}
fit=${AIOPS_FIT:-$root/bin/aiops-fit}
py=/usr/bin/python3
work=${BENCH_DIR:-/tmp/aiops-bench-fit}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
if [ ! -x "$fit" ] || [ ! -f "$root/libcore/libaiops.a" ]; then
    echo "build first: make" >&2
    exit 2
fi
if ! $py -c 'import statsmodels' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-statsmodels >/dev/null
    else
        echo "bench/fit.sh: needs python3-statsmodels (apt-get install python3-statsmodels)" >&2
        exit 2
    fi
fi
load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
mkdir -p "$work"
rm -f "$work"/*.json "$work"/*.tsv "$work"/*.ndjson "$work"/*.txt
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/fit_inproc.c" \
    "$root/libcore/libaiops.a" -larchive -lzstd -ljansson -llapacke -lopenblas -lm \
    -o "$work/fit_inproc"
split=$((1709510400 + 6 * 7 * 86400))           # 6 weeks after the start
$py "$root/bench/fit_gen.py" "$n" 8 >"$work/all.tsv"
awk -F'\t' -v s=$split '$1 < s' "$work/all.tsv" >"$work/train.tsv"
awk -F'\t' -v s=$split '$1 >= s' "$work/all.tsv" >"$work/hold.tsv"
$py "$root/bench/fit_gen.py" "$whole" 8 >"$work/whole.tsv"
awk -F'\t' -v s=$split '$1 < s' "$work/whole.tsv" >"$work/whole-train.tsv"

# timed OUT CMD... -> "wall_s cpu_s rss_kb", each the least of $reps runs
# (cpu = user + system), output in OUT
timed() {
    out=$1; shift
    i=0
    : >"$work/times.txt"
    while [ $i -lt "$reps" ]; do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >"$out"
        cat "$work/time.txt" >>"$work/times.txt"
        i=$((i + 1))
    done
    awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
         NR == 1 || $4 < m { m = $4 } END { printf "%.2f %.2f %d\n", w, c, m }' "$work/times.txt"
}

# name model period(s, or - for the default)
configs="seasonal seasonal -
sarima sarima -
holtwinters_1d holtwinters 86400
holtwinters_1w holtwinters 604800"

echo "$configs" | while read -r name model period; do
    opt=""
    [ "$period" = - ] || opt="--period $period"
    save=""
    [ "$model" = sarima ] && save="--save $work/sarima-states.json"
    # shellcheck disable=SC2086
    "$work/fit_inproc" $model $split "$work/all.tsv" "$work/pred-$name.tsv" --reps "$reps" \
        $opt $save >"$work/inproc-$name.json"
    $py "$root/bench/fit_errors.py" "$work/hold.tsv" "$work/pred-$name.tsv" >"$work/err-$name.json"
    # the tool computes the same predictions (untimed check, SERIES series)
    # shellcheck disable=SC2086
    "$fit" --model $model $opt --train 1000d --horizon 336 --step 1h --no-samples \
        "$work/train.tsv" >"$work/check.ndjson"
    $py "$root/bench/fit_errors.py" --same "$work/check.ndjson" "$work/pred-$name.tsv" forecast
    # shellcheck disable=SC2086
    "$fit" --model $model $opt --train-until $split --bands --no-samples "$work/all.tsv" \
        >"$work/check.ndjson"
    $py "$root/bench/fit_errors.py" --same "$work/check.ndjson" "$work/pred-$name.tsv" onestep
    # whole tool, WHOLE series
    # shellcheck disable=SC2086
    fc=$(timed /dev/null "$fit" --model $model $opt --train 1000d --horizon 336 --step 1h \
        --no-samples "$work/whole-train.tsv")
    # shellcheck disable=SC2086
    os=$(timed /dev/null "$fit" --model $model $opt --train-until $split --bands --no-samples \
        "$work/whole.tsv")
    printf '{"series":%s,"forecast":"%s","score":"%s"}\n' "$whole" "$fc" "$os" \
        >"$work/whole-$name.json"
done

$py "$root/bench/fit_statsmodels.py" "$work/all.tsv" $split "$work" "$reps" \
    "$work/sarima-states.json" >"$work/statsmodels.json"
for m in STL SARIMAX ES_1d ES_1w; do
    $py "$root/bench/fit_errors.py" "$work/hold.tsv" "$work/sm-$m.tsv" >"$work/err-sm-$m.json"
done

# scale: many series at once
if [ "$scale" -gt 0 ]; then
    $py "$root/bench/fit_gen.py" "$scale" 8 >"$work/scale.tsv"
    samples=$(wc -l <"$work/scale.tsv")
    printf '{"series":%s,"samples":%s,"runs":{' "$scale" "$samples" >"$work/scale.json"
    sep=""
    for m in defaults ewma robust seasonal holtwinters sarima auto; do
        # defaults: no model option (the likelihood model, judged by its score)
        mopt="--model $m"
        [ $m = defaults ] && mopt=
        # shellcheck disable=SC2086  # no option, or two words
        r=$(timed /dev/null "$fit" $mopt --train 6w --no-samples -o "$work/scale-$m.ndjson" \
            "$work/scale.tsv")
        # shellcheck disable=SC2086  # split "wall cpu rss" into $1 $2 $3
        set -- $r
        printf '%s"%s":{"seconds":%s,"cpu_s":%s,"rss_kb":%s}' "$sep" $m "$1" "$2" "$3" \
            >>"$work/scale.json"
        sep=","
    done
    echo "}}" >>"$work/scale.json"
fi
printf '{"series":%s,"reps":%s,"whole":%s,"load_start":%s,"command":"bench/fit.sh %s %s"}\n' \
    "$n" "$reps" "$whole" "$load_start" "$n" "$scale" >"$work/meta.json"
target="$root/docs/BENCHMARKS.md"
[ "${RESULTS_ONLY:-0}" = 1 ] && target="$work/section.md"
$py "$root/bench/fit_report.py" "$work" "$target"
