#!/bin/sh
# bench/rca_loso.sh - how aiops-rca's default weights were checked: a small
# grid (--w-walk x --w-onset at -z 5, and -z 3 and 8 at the default weights) over every simulator scenario with faults,
# then leave-one-scenario-out: for each scenario, the configuration with the
# best AC@1 (then AC@3, then mean rank; the default wins ties) on the other
# scenarios is applied to it.  Prints the in-sample figures of each
# configuration and the held-out AC@1 / AC@3.  Results: docs/BENCHMARKS.md,
# "## aiops-rca (issue 23)".  RCA_STREAMS=DIR reuses simulated streams.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/bin}   # BIN=DIR: a copy, so rebuilding does not change a run
work=${BENCH_DIR:-/tmp/aiops-bench}/rca-loso
streams=${RCA_STREAMS:-$work/streams}
mkdir -p "$work" "$streams"
for s in "$root"/scenarios/*.json; do
    case $s in *.expect.json|*.eval.json) continue ;; esac
    n=$(basename "$s" .json)
    [ -s "$streams/$n.ndjson" ] || "$bin/aiops-simulate" --stream "$s" > "$streams/$n.ndjson"
done
: > "$work/ranks.tsv"
# walk x onset at z 5, and z 3 / 8 at the default weights: 11 configurations
for cfg in walk=0.5,onset=0,z=5 walk=0.5,onset=0.3,z=5 walk=0.5,onset=1,z=5 \
           walk=1,onset=0,z=5 walk=1,onset=0.3,z=5 walk=1,onset=1,z=5 \
           walk=2,onset=0,z=5 walk=2,onset=0.3,z=5 walk=2,onset=1,z=5 \
           walk=1,onset=0.3,z=3 walk=1,onset=0.3,z=8; do
    walk=$(echo "$cfg" | sed 's/walk=\([^,]*\),.*/\1/')
    onset=$(echo "$cfg" | sed 's/.*onset=\([^,]*\),.*/\1/')
    z=${cfg##*z=}
    for f in "$streams"/*.ndjson; do
        grep -q '"type":"label"' "$f" || continue
        n=$(basename "$f" .ndjson)
        "$bin/aiops-rca" --rca-only --on label --w-walk "$walk" --w-onset "$onset" -z "$z" "$f" |
            jq -r --slurpfile l "$f" --arg c "$cfg" --arg n "$n" '
                ($l | map(select(.type == "label") | {key: .id, value: .root_cause}) | from_entries) as $rc
                | .incident as $inc | [.candidates[].service] as $s | ($s | index($rc[$inc])) as $i
                | "\($c)\t\($n)\t\(.incident)\t\(if $i == null then 99 else $i + 1 end)"' >> "$work/ranks.tsv"
    done
done
awk -F'\t' -v def="walk=1,onset=0.3,z=5" '
    { cfg[$1] = 1; scen[$2] = 1; key = $1 SUBSEP $2; n[key]++; a1[key] += $4 <= 1; a3[key] += $4 <= 3; r[key] += $4 }
    END {
        for (c in cfg) { N = A1 = A3 = R = 0
            for (s in scen) { k = c SUBSEP s; N += n[k]; A1 += a1[k]; A3 += a3[k]; R += r[k] }
            printf "in-sample %-24s ac1 %.3f ac3 %.3f\n", c, A1 / N, A3 / N }
        for (h in scen) { best = ""
            for (c in cfg) { N = A1 = A3 = R = 0
                for (s in scen) if (s != h) { k = c SUBSEP s; N += n[k]; A1 += a1[k]; A3 += a3[k]; R += r[k] }
                v1 = A1 / N; v3 = A3 / N; vr = R / N
                if (best == "" || v1 > b1 || (v1 == b1 && (v3 > b3 || (v3 == b3 && (vr < br || (vr == br && c == def)))))) {
                    best = c; b1 = v1; b3 = v3; br = vr } }
            k = best SUBSEP h; TN += n[k]; T1 += a1[k]; T3 += a3[k]
            printf "held out %-24s chose %-24s ac1 %d/%d\n", h, best, a1[k], n[k] }
        printf "leave-one-scenario-out: %d faults, ac1 %.3f ac3 %.3f\n", TN, T1 / TN, T3 / TN }' "$work/ranks.tsv" | sort
