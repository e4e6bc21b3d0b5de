#!/bin/sh
# bench/rca_wait_cv.sh - how aiops-rca's span-wait rules were chosen
# (docs/BENCHMARKS.md, "aiops-rca (issue 23)", "session 2026-12-07"):
# every variant of the three compile-time switches of libcore/rca/
# rca_explain.c (RC_WAIT_SPLIT 0/1/2 x RC_WAIT_TRIM 0/1 x RC_WAIT_PRIOR 0/1,
# and RC_WAIT_PRIOR 2 and 5 with split 0) is built as its own aiops-rca,
# run on the Nezha faults (bench/nezha.sh's streams) and on every simulator
# scenario with faults, then leave-one-fault-type-out: for each fault type
# (Nezha's cpu_contention and network_delay, the simulator's kinds), the
# variant with the best AC@1 (then AC@3, then mean rank; ties go to the
# earlier, simpler variant in the list) on all other types is applied to
# the held-out type.  Prints the per-variant figures and the held-out
# AC@1 / AC@3; the same over single faults (leave-one-fault-out) too.
# The metric-type prior (RC_EFFECT_W in libcore/rca/rca.c) stays as
# compiled in; its other values were run the same way with rca.c built
# with -DRC_EFFECT_W=X (docs/BENCHMARKS.md).  Takes ~15 min wall at load
# 5-10 (16 simulator runs): run it alone.  Needs `make all` first.  BENCH_DIR (/tmp/aiops-bench); RCA_STREAMS=DIR
# reuses simulated streams.  Skips (exit 0) without the Nezha data.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=${BENCH_DIR:-/tmp/aiops-bench}/rca-wait-cv
streams=${RCA_STREAMS:-$work/streams}
mkdir -p "$work" "$streams"
BENCH_DIR=${BENCH_DIR:-/tmp/aiops-bench} bench/nezha.sh > "$work/nezha-default.txt"
grep -q '^skipped' "$work/nezha-default.txt" && { cat "$work/nezha-default.txt"; exit 0; }
nz=${BENCH_DIR:-/tmp/aiops-bench}/nezha
for s in scenarios/*.json; do
    case $s in *.expect.json|*.eval.json) continue ;; esac
    n=$(basename "$s" .json)
    [ -s "$streams/$n.ndjson" ] || bin/aiops-simulate --stream "$s" > "$streams/$n.ndjson"
done
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Ilibcore"
variants="s0t0p0 s0t1p0 s0t0p1 s0t1p1 s0t0p2 s0t1p2 s0t0p5 s0t1p5 s1t0p0 s1t1p0 s1t0p1 s1t1p1 s2t0p0 s2t1p0 s2t0p1 s2t1p1"
: > "$work/ranks.tsv"
for v in $variants; do
    sp=$(echo "$v" | sed 's/s\([0-9]\).*/\1/') tr=$(echo "$v" | sed 's/.*t\([0-9]\).*/\1/') pr=${v##*p}
    d=$work/$v
    mkdir -p "$d"
    cp bin/aiops-simulate bin/aiops-eval "$d/"
    cc $cflags -DRC_WAIT_SPLIT="$sp" -DRC_WAIT_TRIM="$tr" -DRC_WAIT_PRIOR="$pr" -c libcore/rca/rca_explain.c -o "$d/re.o"
    cc $cflags tools/aiops-rca.c build/obj/tools/aiops-rca-args.o build/obj/cli.o "$d/re.o" libcore/libaiops.a \
        -larchive -lzstd -ljansson -lm -o "$d/aiops-rca"
    "$d/aiops-rca" --rca-only --on label -k 5 "$nz/labels.ndjson" "$nz/metrics.ndjson" "$nz/front.ndjson" \
        "$nz/traces.ndjson" 2>/dev/null > "$d/nezha.rca"
    jq -r --arg v "$v" --slurpfile r "$d/nezha.rca" '($r | map({key: .incident, value: [.candidates[].service]})
        | from_entries) as $m | ($m[.id] // []) as $c | .root_cause as $rt
        | "\($v)\tnezha/\(.id)\tnezha:\(.kind)\t\(($c | index($rt)) as $i | if $i == null then 99 else $i + 1 end)"' \
        "$nz/labels.ndjson" >> "$work/ranks.tsv"
    RCA_STREAMS=$streams EVAL_OUT=$d/eval tests/eval/run-rca.sh "$d" > /dev/null || true
    awk -F'\t' -v v="$v" '{ print v "\tsim/" $1 "\tsim:" $2 "\t" ($4 == "-" ? 99 : $4) }' "$d/eval/rca/ranks.tsv" >> "$work/ranks.tsv"
done
# per variant: Nezha and simulator figures
awk -F'\t' -v order="$variants" 'BEGIN { nv = split(order, o, " ") }
    { d = substr($2, 1, index($2, "/") - 1); k = $1 SUBSEP d; n[k]++; a1[k] += $4 <= 1; a3[k] += $4 <= 3
      if (d == "nezha") rk[$1] = rk[$1] ($4 == 99 ? "-" : $4) "," }
    END { for (i = 1; i <= nv; i++) { v = o[i]; kn = v SUBSEP "nezha"; ks = v SUBSEP "sim"
        printf "%-7s nezha ac1 %.3f ac3 %.3f  sim ac1 %.3f ac3 %.3f  nezha ranks %s\n", v,
            a1[kn] / n[kn], a3[kn] / n[kn], a1[ks] / n[ks], a3[ks] / n[ks], rk[v] } }' "$work/ranks.tsv"
cv() {   # $1: column that groups the folds (3 = fault type, 2 = fault)
    awk -F'\t' -v g="$1" -v order="$variants" 'BEGIN { nv = split(order, o, " ") }
    { grp[$g] = 1; k = $1 SUBSEP $g; n[k]++; a1[k] += $4 <= 1; a3[k] += $4 <= 3; r[k] += $4 > 5 ? 6 : $4
      nez[$g] = $2 ~ /^nezha/ }
    END { for (h in grp) { best = ""
            for (i = 1; i <= nv; i++) { c = o[i]; N = A1 = A3 = R = 0
                for (t in grp) if (t != h) { k = c SUBSEP t; N += n[k]; A1 += a1[k]; A3 += a3[k]; R += r[k] }
                if (best == "" || A1 / N > b1 || (A1 / N == b1 && (A3 / N > b3 || (A3 / N == b3 && R / N < br)))) {
                    best = c; b1 = A1 / N; b3 = A3 / N; br = R / N } }
            k = best SUBSEP h; w = nez[h] ? "nezha" : "sim"
            T[w] += n[k]; T1[w] += a1[k]; T3[w] += a3[k]
            if (g == 3) printf "held out %-26s chose %s: ac1 %d/%d ac3 %d/%d\n", h, best, a1[k], n[k], a3[k], n[k] }
        for (w in T) printf "%s: held out, %s: %d faults, ac1 %.3f ac3 %.3f\n",
            g == 3 ? "leave-one-fault-type-out" : "leave-one-fault-out", w, T[w], T1[w] / T[w], T3[w] / T[w] }' "$work/ranks.tsv" | sort
}
cv 3
cv 2
