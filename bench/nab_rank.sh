#!/bin/sh
# bench/nab_rank.sh [NAB_INPROC OPTION]... - is it the decision threshold
# or the ranking that limits the default detector on NAB?  Scores the
# model three ways with NAB's threshold optimiser (aiops-eval
# --nab-optimize), in process (bench/nab_inproc.c, the protocol of
# bench/nab.sh: training = NAB's probationary period, then each row judged
# from the state before it):
#   fires       the score where it reaches AIOPS_FIT_DEFAULT_P (0 elsewhere):
#               what aiops-fit fires on, = bench/nab.sh's figures;
#   edges       every rising-edge score (--floor 0): the optimiser may pick
#               any threshold, so this is the best the score's ranking allows;
#   likelihood  every row's likelihood, before the rising-edge step.
# Then, per category, windows found and false-positive rows of `fires` and
# `edges` at their corpus thresholds, and (with /usr/bin/python3 and NAB's
# reference results) of the published numenta HTM detector at its
# standard threshold (bench/nab_windows.py).  OPTIONs go to nab_inproc
# (--k K --alpha A --window S --model M).  Environment: NAB_DIR, BIN (for
# aiops-eval, default bin).  Skips (exit 0) when the corpus is absent.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nab=${NAB_DIR:-$root/../shared/datasets/nab}
bin=${BIN:-$root/bin}
wins=$nab/labels/combined_windows.json
me=bench/nab_rank.sh
export TZ=UTC LC_ALL=C OPENBLAS_NUM_THREADS=1
if [ ! -f "$wins" ] || [ ! -d "$nab/data" ]; then
    echo "$me: skipped: NAB corpus not found at $nab (set NAB_DIR)"
    exit 0
fi
[ -f "$root/libcore/libaiops.a" ] && [ -x "$bin/aiops-eval" ] ||
    { echo "$me: build first: make" >&2; exit 2; }
command -v jq >/dev/null 2>&1 || { echo "$me: needs jq" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/aiops-nabrank.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/libcore" "$root/bench/nab_inproc.c" \
    "$root/libcore/libaiops.a" -larchive -lzstd -ljansson -llapacke -lopenblas -lm \
    -o "$work/nab_inproc"
find "$nab/data" -name '*.csv' | sort >"$work/csvs"
run() {    # run NAME OPTION...: result CSVs under $work/NAME, scores in NAME.json
    name=$1
    shift
    while IFS= read -r f; do
        key=${f#"$nab/data/"}
        mkdir -p "$work/$name/$(dirname "$key")"
        "$work/nab_inproc" "$@" "$work/$name/$key" "$f"
    done <"$work/csvs"
    "$bin/aiops-eval" --nab-windows "$wins" --nab-optimize --nab-results "$work/$name" \
        >"$work/$name.json"
}
t0=$(date +%s)
run fires "$@"
run edges --floor 0 "$@"
run likelihood --likelihood "$@"
echo "| rows scored | standard | reward_low_FP_rate | reward_low_FN_rate | windows found (standard) | FP rows (standard) | threshold (standard) |"
echo "|---|---|---|---|---|---|---|"
for n in fires edges likelihood; do
    jq -r --arg n "$n" '.nab | "| \($n) | \(.standard.score * 100 | round / 100) | \(.reward_low_FP_rate.score * 100 | round / 100) | \(.reward_low_FN_rate.score * 100 | round / 100) | \(.standard.detected)/\(.nab.windows // .windows) | \(.standard.fp_rows) | \(.standard.threshold) |"' \
        "$work/$n.json"
done
echo
echo "Per category at the corpus threshold of the standard profile (windows found / windows, FP rows):"
echo
printf '| category | fires | edges |'
have_py=
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import zstandard' 2>/dev/null ||
    command -v zstd >/dev/null 2>&1; then
    if [ -f "$nab/reference-results.tar.zst" ] && command -v zstd >/dev/null 2>&1; then
        mkdir -p "$work/ref"
        zstd -dc "$nab/reference-results.tar.zst" | tar -xf - -C "$work/ref" numenta
        have_py=1
        printf ' numenta HTM (published) |'
    fi
fi
echo
[ -n "$have_py" ] && echo '|---|---|---|---|' || echo '|---|---|---|'
for c in $(ls "$work/fires"); do
    printf '| %s |' "$c"
    for n in fires edges; do
        thr=$(jq -r '.nab.standard.threshold' "$work/$n.json")
        rm -rf "$work/one"
        mkdir -p "$work/one"
        ln -s "$work/$n/$c" "$work/one/$c"
        "$bin/aiops-eval" --nab-windows "$wins" --nab-threshold "$thr" --nab-results "$work/one" |
            jq -r '.nab | " \(.standard.detected)/\(.windows), \(.standard.fp_rows) |"' | tr -d '\n'
    done
    if [ -n "$have_py" ]; then
        /usr/bin/python3 "$root/bench/nab_windows.py" "$nab" "$work/ref/numenta" "$c" | tr -d '\n'
    fi
    echo
done
echo
echo "$me: $(($(date +%s) - t0)) s" >&2
