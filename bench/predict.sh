#!/bin/sh
# bench/predict.sh [REPS] - aiops-predict against Python, side by side in
# one run (issue 24):
#
#  0. The make-eval gate itself (tests/eval/run-predict.sh), whose
#     streams the rest uses.
#  1. The logistic regression: the training matrix of the gate
#     (memory-leak, disk-fill and latency-degradation at seeds 101 and
#     102, quiet at 101 and 102, predict-deploys), dumped by
#     `aiops-predict --train --dump-features`,
#     once as trained (positives + 4 negatives each) and once with every
#     negative tick (--neg-ratio 1e9).  Ours: bench/predict_inproc.c
#     (aiops_logit_fit, IRLS + LAPACKE); theirs: scikit-learn's
#     LogisticRegression (lbfgs and newton-cg), the same standardisation,
#     weights and objective (C = 1/lambda).  Compared: the objective at
#     each optimum, the largest coefficient difference, and CPU time of one
#     fit (best of REPS, default 5; one thread each).
#  2. Time to exhaustion: our aiops_eta_fit against predict_linear
#     semantics (least squares over the same 2 h window, extrapolated from
#     the evaluation time) on the same series at every point: the
#     search-index disk of disk-fill, cart's memory in memory-leak (limit
#     1024e6; the truth is its first OOM kill), and a synthetic GC sawtooth
#     on a leak with a restart and noise.  Compared: the ETA error against
#     the true crossing over the 90 to 5 minutes before it, and how often
#     our band holds the truth.
# Prints the tables; RESULTS=FILE also writes them there.  Needs make, cc,
# jq and Debian's python3-sklearn.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=${1:-5}
py=/usr/bin/python3
$py -c 'import sklearn' 2>/dev/null || { echo "bench/predict.sh: needs python3-sklearn (apt-get install python3-sklearn)"; exit 2; }
make -s -j2 all >/dev/null
work=$(mktemp -d /tmp/aiops-bench-predict.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibcore bench/predict_inproc.c libcore/libaiops.a \
    -ljansson -llapacke -lopenblas -lm -o "$work/inproc"

# the gate's training set and test streams (and its figures, printed)
PREDICT_WORK=$work tests/eval/run-predict.sh bin | sed 's/^/gate: /' || true
xargs bin/aiops-predict --train -o "$work/model-small.json" --dump-features "$work/small.csv" \
    < "$work/train.args" 2>/dev/null
xargs bin/aiops-predict --train -o "$work/model-all.json" --neg-ratio 1e9 --dump-features "$work/all.csv" \
    < "$work/train.args" 2>/dev/null
lambda=$(jq .lambda "$work/model.json")

out=$work/results.md
{
    echo "Logistic regression, the same standardised matrix, weights and objective (lambda = $lambda):"
    echo
    echo "| matrix | rows | fit | objective | max coef diff vs ours | iterations | CPU per fit |"
    echo "|---|---|---|---|---|---|---|"
} > "$out"
for m in small all; do
    "$work/inproc" fit "$work/$m.csv" "$reps" "$lambda" > "$work/ours-$m.json"
    $py bench/predict_peer.py fit "$work/$m.csv" "$reps" "$lambda" > "$work/peer-$m.json"
    jq -r -n --slurpfile o "$work/ours-$m.json" --slurpfile p "$work/peer-$m.json" --arg m "$m" '
        $o[0] as $o | $p[0] as $p |
        def diff(a): [range(0; a.coef | length) as $i | ((a.coef[$i] - $o.coef[$i]) | fabs)]
                     + [((a.intercept - $o.intercept) | fabs)] | max;
        def ms(s): (s * 1e6 | round / 1000 | tostring) + " ms";
        "| \($m) | \($o.rows) | ours (IRLS, LAPACKE) | \($o.objective * 1e6 | round / 1e6) | 0 | \($o.iterations) | \(ms($o.seconds)) |",
        (["lbfgs", "newton-cg"][] as $s | $p[$s] as $r |
         "| \($m) | \($p.rows) | sklearn \($s) | \($r.objective * 1e6 | round / 1e6) | \(diff($r) * 1e6 | round / 1e6) | \($r.iterations) | \(ms($r.seconds)) (\(($r.seconds / $o.seconds) * 10 | round / 10)x ours) |")' >> "$out"
done

# ---- time to exhaustion
series() {    # FILE NAME SERVICE -> t,v
    jq -r --arg n "$2" --arg s "$3" 'select(.type == "sample" and .name == $n and .labels.service == $s) |
        "\(.ts),\(.value)"' "$1"
}
series "$work/disk-fill.ndjson" disk_usage_ratio search-index > "$work/disk.csv"
disk_truth=$(awk -F, '$2 >= 0.999 { print $1; exit }' "$work/disk.csv")
series "$work/memory-leak.ndjson" memory_usage_bytes cart > "$work/mem.csv"
mem_truth=$(jq -r 'select(.type == "event" and .kind == "oom_kill" and .service == "cart") | .ts' \
    "$work/memory-leak.ndjson" | head -1)
# synthetic: 1-minute samples, a GC sawtooth of 10 minutes and 12 % on a
# leak of 2 % per 10 minutes, noise of +-1 %, a restart at 3 h; the truth
# is the first sample at the limit 1
awk 'BEGIN { srand(7); base = 0.35; for (i = 0; i < 1200; i++) { t = 1700000000 + 60 * i;
        k = i < 180 ? i : i - 180; v = base + 0.002 * k + 0.012 * (i % 10) + 0.01 * (2 * rand() - 1);
        printf "%d,%.6f\n", t, v; if (v >= 1) exit } }' > "$work/saw.csv"
saw_truth=$(awk -F, '$2 >= 1 { print $1; exit }' "$work/saw.csv")
{
    echo
    echo "Time to exhaustion at every point of the 90 to 5 minutes before the truth, 2 h window:"
    echo
    echo "| series | method | points with an ETA | median abs error | p90 abs error | band holds the truth |"
    echo "|---|---|---|---|---|---|"
} >> "$out"
for s in disk:1:$disk_truth mem:1024e6:$mem_truth saw:1:$saw_truth; do
    name=${s%%:*} rest=${s#*:}
    limit=${rest%%:*} truth=${rest#*:}
    "$work/inproc" eta "$work/$name.csv" "$limit" 7200 > "$work/$name.ours"
    $py bench/predict_peer.py eta "$work/$name.csv" "$limit" 7200 > "$work/$name.peer"
    $py bench/predict_peer.py compare "$work/$name.ours" "$work/$name.peer" "$truth" > "$work/$name.cmp"
    label=$(case $name in disk) echo "disk-fill search-index disk";; mem) echo "memory-leak cart memory";;
            *) echo "synthetic GC sawtooth + restart";; esac)
    jq -r --arg l "$label" '
        def m(x): if x == null then "-" else (x * 10 | round / 10 | tostring) + " min" end;
        "| \($l) | ours (Theil-Sen, resets, envelope) | \(.ours.with_eta)/\(.ours.points) | \(m(.ours.median_abs_err_min)) | \(m(.ours.p90_abs_err_min)) | \(if .ours.band_covers == null then "-" else (.ours.band_covers * 100 | round | tostring) + " %" end) |",
        "| \($l) | predict_linear | \(.predict_linear.with_eta)/\(.predict_linear.points) | \(m(.predict_linear.median_abs_err_min)) | \(m(.predict_linear.p90_abs_err_min)) | - |"' \
        "$work/$name.cmp" >> "$out"
done
cat "$out"
[ -z "${RESULTS:-}" ] || cp "$out" "$RESULTS"
