#!/bin/sh
# bench/nab.sh [AIOPS-FIT OPTION]... - aiops-fit on the Numenta Anomaly
# Benchmark (NAB), scored the way NAB scored every published detector.
#
# Data: ../shared/datasets/nab (or $NAB_DIR): the 58 NAB data files and
# labels/combined_windows.json, read in place, never copied into the
# repository.  Skips (exit 0) with a message when it is absent.
#
# For every NAB data file, on its own:
#   1. aiops-replay FILE.csv: a stream whose series is named after the file.
#   2. aiops-fit --train-until T --no-samples --bands [OPTION...]: T is the
#      time of row p = min(floor(0.15 n), 750) of the file's n rows, NAB's
#      probationary period, so the model learns from exactly the rows whose
#      detections NAB ignores, and judges every later row as if live.
#      aiops-fit's defaults apply unless OPTIONs are given (--model ewma).
#   3. bench/nab_rows.jq and bench/nab_rows.awk: a NAB result file
#      (timestamp,value,anomaly_score), one row per row of the data file.
#      A row's anomaly_score is aiops-fit's score where an anomaly fires
#      (between an event's firing and resolved records) and 0 elsewhere;
#      the score is how far the value lies outside the band (1 = on its
#      edge).  With --threshold P among the OPTIONs (or SCORE=calibrated),
#      it is instead the row's calibrated anomaly_score from its band
#      record, a tail probability in [0, 1] that is >= P in an event
#      (SCORE=band keeps the band score).  nab_rows.awk checks each
#      event's peak against its resolved record.
# Then aiops-eval --nab-windows combined_windows.json --nab-optimize
# --nab-results DIR: NAB's threshold optimisation picks, per profile, the
# threshold on these scores that maximises the corpus score, as it did for
# every published detector (docs/EVALUATION.md, "NAB score").
#
# Output: the three normalised scores with their thresholds, windows found
# and false-positive rows, then the published scoreboard for context.
# Progress and timing on stderr.  Environment: NAB_DIR, BIN (tools, default
# bin; copied first, so a rebuild during the run does not mix binaries),
# KEEP=1 keeps the work directory (the result CSVs are under results/),
# RESULTS=DIR writes the result CSVs to DIR/<category>/<file>.csv instead
# (kept; DIR must not exist yet or be empty), CATS="realTweets ..." runs
# only those categories (the scores are then over their files alone),
# SCORE=band|calibrated (see step 3).
# Needs jq.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nab=${NAB_DIR:-$root/../shared/datasets/nab}
bin=${BIN:-$root/bin}
wins=$nab/labels/combined_windows.json
me=bench/nab.sh
export TZ=UTC LC_ALL=C    # NAB's times are UTC and written without a zone

if [ ! -f "$wins" ] || [ ! -d "$nab/data" ]; then
    echo "$me: skipped: NAB corpus not found at $nab (set NAB_DIR)"
    exit 0
fi
for t in aiops-replay aiops-fit aiops-eval; do
    [ -x "$bin/$t" ] || { echo "$me: $bin/$t not found: run make first" >&2; exit 2; }
done
command -v jq >/dev/null 2>&1 || { echo "$me: needs jq" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/aiops-nab.XXXXXX")
if [ -n "${KEEP:-}" ]; then
    echo "$me: work directory $work" >&2
else
    trap 'rm -rf "$work"' EXIT
    trap 'exit 130' INT TERM
fi
# the per-row score: calibrated when --threshold is given, unless SCORE says
score=${SCORE:-}
pthr=
prev=
for a in "$@"; do
    case $prev in --threshold) pthr=$a ;; esac
    case $a in --threshold=*) pthr=${a#--threshold=} ;; esac
    prev=$a
done
# the default model (no --model, or --model likelihood) has its own score
model=
prev=
for a in "$@"; do
    case $prev in --model) model=$a ;; esac
    case $a in --model=*) model=${a#--model=} ;; esac
    prev=$a
done
if [ -z "$score" ]; then
    if [ -n "$pthr" ] || [ -z "$model" ] || [ "$model" = likelihood ]; then
        score=calibrated
    else
        score=band
    fi
fi
case $score in
band) fires=1 ;;
calibrated) fires=$pthr ;;   # empty: the P of the firing records
*) echo "$me: SCORE must be band or calibrated" >&2; exit 2 ;;
esac
mkdir -p "$work/bin"
if [ -n "${RESULTS:-}" ]; then
    mkdir -p "$RESULTS"
    if [ -n "$(ls -A "$RESULTS")" ]; then
        echo "$me: RESULTS=$RESULTS is not empty" >&2
        exit 2
    fi
    res=$(cd "$RESULTS" && pwd)
else
    res=$work/results
    mkdir -p "$res"
fi
cp "$bin/aiops-replay" "$bin/aiops-fit" "$bin/aiops-eval" "$work/bin/"
bin=$work/bin

# Seconds since the epoch, with nanoseconds where date(1) has %N.
now() {
    t=$(date +%s.%N)
    case $t in *N*) date +%s ;; *) echo "$t" ;; esac
}
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ -n "${CATS:-}" ]; then
    for c in $CATS; do
        [ -d "$nab/data/$c" ] || { echo "$me: no category $c under $nab/data" >&2; exit 2; }
        find "$nab/data/$c" -name '*.csv'
    done | sort >"$work/csvs"
else
    find "$nab/data" -name '*.csv' | sort >"$work/csvs"
fi
: >"$work/mismatch"
nfiles=0
t_fit=0
t0=$(now)
while IFS= read -r f; do
    nfiles=$((nfiles + 1))
    key=${f#"$nab/data/"}
    mkdir -p "$res/$(dirname "$key")"
    # the time of row p (0-based) of the file's rows: NAB's probation
    cut=$(awk -F, 'NR > 1 && NF >= 2 { t[n++] = $1 }
        END { p = int(0.15 * n); if (p > 750) p = 750; print t[p] }' "$f")
    "$bin/aiops-replay" -f tsv "$f" >"$work/stream.tsv" 2>>"$work/replay.log" </dev/null
    t1=$(now)
    "$bin/aiops-fit" --train-until "$cut" --no-samples --bands "$@" "$work/stream.tsv" \
        >"$work/fit.ndjson" </dev/null
    t_fit=$(awk -v a="$t_fit" -v b="$(elapsed "$t1")" 'BEGIN { print a + b }')
    jq -r -f "$root/bench/nab_rows.jq" "$work/fit.ndjson" >"$work/rows.tsv"
    awk -v score="$score" -f "$root/bench/nab_rows.awk" "$work/rows.tsv" "$f" \
        >"$res/$key" 2>>"$work/mismatch"
    [ -n "$fires" ] || fires=$(awk -F '\t' '$1 == "F" && $3 != "" { print $3; exit }' "$work/rows.tsv")
done <"$work/csvs"
t_all=$(elapsed "$t0")
# (replay.log: aiops-replay keeps the first sample of a repeated time, in 8
# files; the result keeps every row, each scored by its own value.)
[ "$nfiles" -gt 0 ] || { echo "$me: no CSV files under $nab/data" >&2; exit 2; }
if [ -s "$work/mismatch" ]; then
    echo "$me: $(wc -l <"$work/mismatch" | tr -d ' ') events whose peak differs from the rows' scores:" >&2
    head -n 5 "$work/mismatch" >&2
    exit 2
fi

t1=$(now)
"$bin/aiops-eval" --nab-windows "$wins" --nab-optimize --nab-results "$res" \
    >"$work/eval.json" </dev/null
t_eval=$(elapsed "$t1")
# every row where aiops-fit fires (a firing row's score is >= 1, or >= P)
[ -n "$fires" ] || fires=1    # (no event fired anywhere)
"$bin/aiops-eval" --nab-windows "$wins" --nab-threshold "$fires" --nab-results "$res" \
    >"$work/fires.json" </dev/null
echo "$me: $nfiles files in ${t_all}s (aiops-fit ${t_fit}s), aiops-eval --nab-optimize ${t_eval}s" >&2

echo "aiops-fit ${*:-(defaults)} on NAB ($nfiles files, $score scores), NAB's threshold optimisation:"
echo
echo "| profile | threshold | score | raw | windows detected | FP rows | every firing row: score, FP rows |"
echo "|---|---|---|---|---|---|---|"
jq -r --slurpfile f "$work/fires.json" '.nab as $n | $f[0].nab as $a |
    ["standard", "reward_low_FP_rate", "reward_low_FN_rate"][] as $p | $n[$p] as $o | $a[$p] as $b |
    def r2: . * 100 | round / 100;
    "| \($p) | \(if $o.detected + $o.fp_rows == 0 then "none" elif $o.threshold < 1 then $o.threshold * 1e9 | round / 1e9 else $o.threshold * 10000 | round / 10000 end) | \($o.score | r2) | \($o.raw | r2) | \($o.detected)/\($n.windows) | \($o.fp_rows) | \($b.score | r2), \($b.fp_rows) |"' \
    "$work/eval.json"
echo
echo "Rows: $(jq '.nab.rows' "$work/eval.json"); thresholds tried: $(jq '.nab.thresholds_tried' "$work/eval.json")."
echo
echo "Published (results/final_results.json), best standard score first:"
echo
echo "| detector | standard | reward_low_FP_rate | reward_low_FN_rate |"
echo "|---|---|---|---|"
jq -r 'to_entries | sort_by(-.value.standard)[] |
    "| \(.key) | \(.value.standard * 100 | round / 100) | \(.value.reward_low_FP_rate * 100 | round / 100) | \(.value.reward_low_FN_rate * 100 | round / 100) |"' \
    "$nab/results/final_results.json"
