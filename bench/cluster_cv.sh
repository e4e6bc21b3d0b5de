#!/bin/sh
# bench/cluster_cv.sh [BINDIR] - how aiops-cluster's default settings were
# chosen: a grid of --threshold x --w-topology x --time-scale scored with
# aiops-eval's grouping ARI on every simulator scenario with labels
# (scenarios/*.json, storm-* included), then leave-one-scenario-out: for
# each scenario the setting with the best mean ARI on the others, and its
# ARI on the held-out one.  Prints the grid winner on all scenarios, how
# often each setting won a fold, and the held-out mean.  Never reads the
# AIT alert set.  Results: build/cluster-cv/grid.tsv.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$(cd "${1:-bin}" && pwd)
out=build/cluster-cv
mkdir -p "$out/s"
: > "$out/grid.tsv"
for s in scenarios/*.json; do
    case $s in *.expect.json) continue ;; esac
    n=$(basename "$s" .json)
    "$bin/aiops-simulate" --stream "$s" | jq -c 'select(.type == "alert" or .type == "label")' > "$out/s/$n.ndjson"
    grep -q '"type":"label"' "$out/s/$n.ndjson" || { rm "$out/s/$n.ndjson"; continue; }
    grep '"type":"label"' "$out/s/$n.ndjson" > "$out/s/$n.labels"
    jq -r '"digraph {", (.services[] | .name as $n | (.calls // [])[] | "  \"\($n)\" -> \"\(if type == "string" then . else .service end)\";"), "}"' "$s" > "$out/s/$n.graph"
done
for th in 0.25 0.3 0.35 0.4 0.5; do
    for wt in 0.3 0.45 0.6 0.8; do
        for ts in 900 1800 3600; do
            for f in "$out"/s/*.ndjson; do
                n=$(basename "$f" .ndjson)
                ari=$("$bin/aiops-cluster" --threshold $th --w-topology $wt --time-scale $ts -g "$out/s/$n.graph" \
                        --incidents-only "$f" | "$bin/aiops-eval" --labels "$out/s/$n.labels" "$f" - |
                      jq -r '.grouping.ours.ari // empty')
                [ -n "$ari" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$th" "$wt" "$ts" "$n" "$ari" >> "$out/grid.tsv"
            done
        done
    done
done
awk -F'\t' '
{ cfg = $1 " " $2 " " $3; sum[cfg] += $5; cnt[cfg]++; ari[cfg, $4] = $5; scen[$4] = 1; cfgs[cfg] = 1 }
END {
    best = ""; for (c in cfgs) if (best == "" || sum[c] > sum[best] || (sum[c] == sum[best] && c < best)) best = c
    printf "best on all scenarios (threshold w_topology time_scale): %s, mean ARI %.3f over %d scenarios\n", best, sum[best] / cnt[best], cnt[best]
    for (s in scen) {
        fb = ""; for (c in cfgs) { v = sum[c] - ari[c, s]; if (fb == "" || v > fv || (v == fv && c < fb)) { fb = c; fv = v } }
        wins[fb]++; held += ari[fb, s]; k++
        printf "  fold %-24s chosen %-14s held-out ARI %.3f\n", s, fb, ari[fb, s]
    }
    printf "leave-one-scenario-out: mean held-out ARI %.3f over %d folds\n", held / k, k
    for (c in wins) printf "  setting %s won %d folds\n", c, wins[c]
}' "$out/grid.tsv"
