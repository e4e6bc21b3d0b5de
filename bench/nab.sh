#!/bin/sh
# bench/nab.sh - aiops-fit's models on the Numenta Anomaly Benchmark (NAB).
#
# Data: ../shared/datasets/nab (or $NAB_DIR): the 58 NAB v1.1 CSVs, the
# label windows labels/combined_windows.json and the published scores
# results/final_results.json.  The data is read in place, never copied
# into the repository.  Skips (exit 0) with a message when it is absent.
#
# For every NAB file, separately:
#   aiops-replay FILE.csv  -> TSV stream; the series is named after the file
#       stem (exchange-2_cpc_results -> exchange_2_cpc_results), which is
#       how aiops-eval --nab-windows finds the file's NAB windows.
#   Training = NAB's probationary period.  n = distinct timestamps of the
#       file, p = min(floor(0.15 n), 750); aiops-fit --train-until T with T
#       the time of row p, so rows 0..p-1 are learnt and every row from p on
#       is scored as if live.  NAB ignores detections in those p rows, so
#       the detector learns from exactly what NAB lets it learn from.  One
#       aiops-fit process per file because p is a per-file row count.
#   default: aiops-fit --model M --train-until T --no-samples
#   tuned:   aiops-fit ... --tune --labels L --objective nab  (L = one label
#       record per NAB window, series = the stem), which chooses the series'
#       sensitivity (ewma: k x alpha, robust: k, the others: interval width;
#       auto also picks its model first) and writes a tune record; then
#       aiops-fit --model CHOSEN --k/--alpha/--width CHOSEN ... again, to
#       write the anomaly records of the chosen candidate (a tuning run
#       writes none).  The script checks that the re-run fires exactly as
#       many times as the tune record says the candidate did.
#   corpus:  one setting for all 58 files, the best of a grid (see grid()),
#       chosen per profile: what NAB's own threshold optimiser does for the
#       published detectors (one threshold per detector and profile, chosen
#       on the same labels that are scored).
#   The tuned and corpus rows see the labels that are scored: they are
#   optimistic (tuned: 58 choices, an upper bound of per-series tuning;
#   corpus: one choice, as optimistic as the published scores), not
#   held-out results.
# Scoring: aiops-eval --nab-windows combined_windows.json over all 58
# replayed streams and the anomaly records of one run.  A detection is an
# anomaly record with state "firing" (one per event, at the row where it was
# confirmed); "resolved" records are not detections.
#
# Output: a Markdown table on stdout (model x mode x the 3 NAB profiles,
# windows detected, false-positive rows, events, wall times of the
# aiops-fit runs, 58 processes each), then the published scoreboard.
# Progress on stderr.
#
# Environment: NAB_DIR (data), BIN (tools, default bin; copied first, so a
# rebuild during the run does not mix binaries), MODELS (default "ewma
# robust seasonal sarima holtwinters auto"), CORPUS=0 skips the corpus grid
# (the longest part), KEEP=1 keeps the work directory.  Needs jq.
# The static model is not run: it needs a threshold per series in the
# series' units (--static 'name>X'), which NAB does not give, and picking
# 58 thresholds from the scored labels would be tuning on the answers.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nab=${NAB_DIR:-$root/../shared/datasets/nab}
bin=${BIN:-$root/bin}
models=${MODELS:-ewma robust seasonal sarima holtwinters auto}
wins=$nab/labels/combined_windows.json
me=bench/nab.sh

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

# Every run uses the same binaries, even if bin/ is rebuilt meanwhile.
mkdir -p "$work/bin"
cp "$bin/aiops-replay" "$bin/aiops-fit" "$bin/aiops-eval" "$work/bin/"
bin=$work/bin

# Seconds since the epoch, with nanoseconds where date(1) has %N.
now() {
    t=$(date +%s.%N)
    case $t in *N*) date +%s ;; *) echo "$t" ;; esac
}
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---- 1. replay each file, its training cut and its label records
mkdir -p "$work/replay"
: >"$work/files.tsv"
: >"$work/labels.ndjson"
i=0
find "$nab/data" -name '*.csv' | LC_ALL=C sort >"$work/csvs"
t0=$(now)
while IFS= read -r f; do
    i=$((i + 1))
    key=${f#"$nab/data/"}
    s="$work/replay/$i.tsv"
    "$bin/aiops-replay" -f tsv "$f" >"$s" </dev/null
    name=$(awk -F'\t' 'NR == 1 { print $2; exit }' "$s")
    # n distinct times (the stream is time-ordered), p = NAB's probation,
    # cut = the time of row p (0-based): train on the times before it.
    cut=$(awk -F'\t' '
        NR == 1 || $1 != prev { t[n++] = $1; prev = $1 }
        END { p = int(0.15 * n); if (p > 750) p = 750; print n, p, t[p] }' "$s")
    # shellcheck disable=SC2086  # three fields
    set -- $cut
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$key" "$name" "$1" "$2" "$3" >>"$work/files.tsv"
    jq -c --arg key "$key" --arg s "$name" -f "$root/bench/nab_labels.jq" "$wins" \
        >>"$work/labels.ndjson"
done <"$work/csvs"
t_replay=$(elapsed "$t0")
nfiles=$i
nlab=$(wc -l <"$work/labels.ndjson" | tr -d ' ')
echo "$me: $nfiles files replayed, $nlab label windows (${t_replay}s)" >&2
[ "$nfiles" -gt 0 ] || { echo "$me: no CSV files under $nab/data" >&2; exit 2; }

# ---- 2. the runs
# fit_all MODEL DIR [extra options]: one aiops-fit per file into DIR.
fit_all() {
    fm=$1 fd=$2
    shift 2
    mkdir -p "$fd"
    while IFS='	' read -r i _ _ _ _ cut; do
        "$bin/aiops-fit" --model "$fm" --train-until "$cut" --no-samples "$@" \
            "$work/replay/$i.tsv" >"$fd/$i.ndjson" </dev/null
    done <"$work/files.tsv"
}

# choices MODEL: each file's tuned choice as aiops-fit arguments.
choices() {
    while IFS='	' read -r i _ _ _ _ cut; do
        c=$(jq -r -f "$root/bench/nab_choice.jq" "$work/out/$1-tune/$i.ndjson")
        printf '%s\t%s\t%s\n' "$i" "$cut" "${c:-$1}"
    done <"$work/files.tsv" >"$work/out/$1-choices.tsv"
}

# rerun_tuned MODEL: re-run each file with its tuned choice.
rerun_tuned() {
    d="$work/out/$1-tuned"
    mkdir -p "$d"
    while IFS='	' read -r i cut choice; do
        # shellcheck disable=SC2086  # MODEL [--knob value]...
        set -- $choice
        cm=$1
        shift
        "$bin/aiops-fit" --model "$cm" "$@" --train-until "$cut" --no-samples \
            "$work/replay/$i.tsv" >"$d/$i.ndjson" </dev/null
    done <"$work/out/$1-choices.tsv"
}

# check_tuned MODEL: the re-run fired as often as the tuning run's
# candidate (the tune record's "alarms": distinct firing times).
check_tuned() {
    bad=0
    while IFS='	' read -r i key _ _ _ _; do
        want=$(jq -r 'select(.type == "tune") | .after.alarms' "$work/out/$1-tune/$i.ndjson")
        got=$(jq -r 'select(.type == "anomaly" and .state == "firing") | .ts' \
            "$work/out/$1-tuned/$i.ndjson" | sort -u | wc -l | tr -d ' ')
        if [ -n "$want" ] && [ "$want" != "$got" ]; then
            echo "$me: $1 tuned $key: the tune record says $want alarms, the re-run fired $got" >&2
            bad=$((bad + 1))
        fi
    done <"$work/files.tsv"
    [ "$bad" = 0 ] || echo "$me: $1: $bad files differ between tuning and re-run" >&2
}

score() {   # score RUN -> $work/eval/RUN.json; its wall time in te
    mkdir -p "$work/eval"
    t1=$(now)
    "$bin/aiops-eval" --nab-windows "$wins" "$work/replay/"*.tsv "$work/out/$1/"*.ndjson \
        >"$work/eval/$1.json" </dev/null
    te=$(elapsed "$t1")
    f=$(jq '.nab.files' "$work/eval/$1.json")
    [ "$f" = "$nfiles" ] || echo "$me: $1: aiops-eval scored $f files of $nfiles" >&2
}

# run_json RUN PARAMS: {params, events, nab} of a scored run, one line.
run_json() {
    ev=$(cat "$work/out/$1/"*.ndjson | grep -c '"state":"firing"' || true)
    jq -c --arg p "$2" --argjson ev "$ev" '{params: $p, events: $ev, nab: .nab}' "$work/eval/$1.json"
}

# grid MODEL: the settings of the corpus mode, one a line: the search
# space of --tune (libcore/fit/fit_tune.c) extended to wider bands (k to 15,
# width to 1 - 1e-9, about 6.1 sigma), because on NAB the best single
# setting lies beyond --tune's edge (k 6, width 0.9999).  auto: every k
# (its ewma and robust) with every width from 0.99 (its other models).
grid() {
    ks="1.5 2 2.5 3 3.5 4 5 6 8 10 12 15"
    ws="0.99 0.995 0.999 0.9999 0.99999 0.999999 0.9999999 0.99999999 0.999999999"
    case $1 in
    ewma) for k in $ks; do for a in 0.02 0.05 0.1 0.3; do echo "--k $k --alpha $a"; done; done ;;
    robust) for k in $ks; do echo "--k $k"; done ;;
    auto) for k in 3 4 5 6 8 10 12 15; do for w in $ws; do echo "--k $k --width $w"; done; done ;;
    *) for w in 0.8 0.9 0.95 0.98 $ws; do echo "--width $w"; done ;;
    esac
}

# corpus MODEL: every grid setting on all files -> $work/runs/MODEL-corpus.ndjson
corpus() {
    cm=$1
    grid "$cm" >"$work/grid"
    while IFS= read -r g; do
        # shellcheck disable=SC2086  # g is a list of options
        fit_all "$cm" "$work/out/$cm-corpus" $g
        score "$cm-corpus"
        run_json "$cm-corpus" "$g"
    done <"$work/grid" >"$work/runs/$cm-corpus.ndjson"
}

mkdir -p "$work/runs"
: >"$work/times.tsv"
for m in $models; do
    t0=$(now)
    fit_all "$m" "$work/out/$m-default"
    td=$(elapsed "$t0")
    score "$m-default"
    run_json "$m-default" defaults >"$work/runs/$m-default.ndjson"
    t0=$(now)
    fit_all "$m" "$work/out/$m-tune" --tune --labels "$work/labels.ndjson" --objective nab
    tt=$(elapsed "$t0")
    choices "$m"
    t0=$(now)
    rerun_tuned "$m"
    tr=$(elapsed "$t0")
    check_tuned "$m"
    score "$m-tuned"
    run_json "$m-tuned" "per series (--tune)" >"$work/runs/$m-tuned.ndjson"
    tc=-
    if [ "${CORPUS:-1}" != 0 ]; then
        t0=$(now)
        corpus "$m"
        tc=$(elapsed "$t0")
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$td" "$tt" "$tr" "$tc" >>"$work/times.tsv"
    [ "$tc" = - ] && cs=skipped || cs=${tc}s
    echo "$me: $m: default ${td}s, tuning ${tt}s, tuned re-run ${tr}s, corpus grid $cs; one aiops-eval ${te}s" >&2
done

# ---- 3. the table
row() {   # row MODEL MODE SECONDS
    jq -r -s --arg m "$1" --arg mode "$2" --arg s "$3" -f "$root/bench/nab_row.jq" \
        "$work/runs/$1-$2.ndjson"
}
echo "| model | mode | parameters | standard | reward_low_FP_rate | reward_low_FN_rate | windows detected | FP rows | events | fit s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
while IFS='	' read -r m td tt tr tc; do
    row "$m" default "$td"
    row "$m" tuned "$tt + $tr"
    [ "$tc" = - ] || row "$m" corpus "$tc"
done <"$work/times.tsv"
echo
echo "Published (results/final_results.json), best standard score first:"
echo
echo "| detector | standard | reward_low_FP_rate | reward_low_FN_rate |"
echo "|---|---|---|---|"
jq -r 'to_entries | sort_by(-.value.standard)[] |
    "| \(.key) | \(.value.standard * 100 | round / 100) | \(.value.reward_low_FP_rate * 100 | round / 100) | \(.value.reward_low_FN_rate * 100 | round / 100) |"' \
    "$nab/results/final_results.json"
echo
echo "Replay of the $nfiles files: ${t_replay}s.  Windows: $(jq '.nab.windows' "$work/eval/$(cut -f1 "$work/times.tsv" | head -n 1)-default.json") scored of $nlab."
