#!/bin/sh
# bench/nab_loco.sh - leave-one-category-out selection of aiops-fit's
# configuration on NAB (issue 20), end to end.
#
# 1. For every configuration of the grid (below, or the file $GRID: lines
#    "NAME<TAB>AIOPS-FIT OPTIONS"), bench/nab.sh writes its per-file NAB
#    result CSVs to $CACHE/NAME/<category>/ (RESULTS=).  A configuration
#    whose results are there and whose stamp (aiops-fit's and the scripts'
#    checksums, its options) matches is not run again.
# 2. For every category h of NAB's 7 and every configuration c:
#    - "in": aiops-eval --nab-optimize on h alone (threshold chosen on h);
#    - "rest": aiops-eval --nab-optimize on the other 6 categories: per
#      profile, a threshold and a score;
#    - "held-out": aiops-eval --nab-threshold X on h alone, X = the rest's
#      threshold of that profile: nothing of h chose it.
# 3. Per held-out category and profile, the configuration with the best
#    "rest" score is chosen (ties: the first in the grid), and its held-out
#    score reported.  Also every configuration's held-out score per
#    category at its own rest threshold, and their mean over the 7.
#
# Scores are NAB's normalised scores over the files scored (100 = perfect,
# 0 = the null detector).  Output: Markdown on stdout; progress on stderr.
# Environment: NAB_DIR, BIN (as bench/nab.sh), CACHE (default
# ${TMPDIR:-/tmp}/aiops-nab-loco), GRID.  Needs jq.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nab=${NAB_DIR:-$root/../shared/datasets/nab}
bin=${BIN:-$root/bin}
wins=$nab/labels/combined_windows.json
cache=${CACHE:-${TMPDIR:-/tmp}/aiops-nab-loco}
me=bench/nab_loco.sh
export TZ=UTC LC_ALL=C
profiles="standard reward_low_FP_rate reward_low_FN_rate"

if [ ! -f "$wins" ] || [ ! -d "$nab/data" ]; then
    echo "$me: skipped: NAB corpus not found at $nab (set NAB_DIR)"
    exit 0
fi
command -v jq >/dev/null 2>&1 || { echo "$me: needs jq" >&2; exit 2; }
[ -x "$bin/aiops-eval" ] || { echo "$me: $bin/aiops-eval not found: run make first" >&2; exit 2; }
mkdir -p "$cache/runs"
cache=$(cd "$cache" && pwd)
tab=$(printf '\t')

grid=$cache/grid
if [ -n "${GRID:-}" ]; then
    cp "$GRID" "$grid"
else
    # the likelihood model (the default) over its band half-width k (also
    # the novelty's distance) and its smoothing alpha; the seed's ewma as
    # the reference (it won the folds before the likelihood model)
    {
        printf 'ewma\t--model ewma\n'
        for k in 4 6 8; do
            for a in 0.01 0.03 0.1; do
                printf 'lik-k%s-a%s\t--model likelihood --k %s --alpha %s\n' "$k" "$a" "$k" "$a"
            done
        done
    } >"$grid"
fi
cats=$(cd "$nab/data" && for d in */; do
    d=${d%/}
    ls "$d"/*.csv >/dev/null 2>&1 && echo "$d"
done)

now() { date +%s; }
t0=$(now)
sum=$( (cat "$bin/aiops-fit" "$bin/aiops-replay" "$root/bench/nab.sh" \
    "$root/bench/nab_rows.jq" "$root/bench/nab_rows.awk") | cksum | cut -d' ' -f1)

# 1. result CSVs per configuration
while IFS="$tab" read -r name opts; do
    dir=$cache/runs/$name
    stamp="$sum $opts"
    if [ -f "$dir.stamp" ] && [ "$(cat "$dir.stamp")" = "$stamp" ]; then
        echo "$me: $name: cached" >&2
        continue
    fi
    rm -rf "$dir" "$dir.stamp"
    echo "$me: $name: bench/nab.sh $opts" >&2
    t1=$(now)
    # shellcheck disable=SC2086 # the options are words
    RESULTS=$dir "$root/bench/nab.sh" $opts >"$dir.md" </dev/null
    echo "$stamp" >"$dir.stamp"
    echo "$me: $name: $(($(now) - t1)) s" >&2
done <"$grid"
t_runs=$(($(now) - t0))

# 2. scores: one line per config, category, kind, profile:
#    NAME CAT KIND PROFILE THRESHOLD SCORE
t1=$(now)
sc=$cache/scores.tsv
: >"$sc"
ev() {    # ev NAME CAT KIND RESULTDIR [aiops-eval option]...
    n=$1 c=$2 k=$3 d=$4
    shift 4
    "$bin/aiops-eval" --nab-windows "$wins" --nab-results "$d" "$@" </dev/null |
        jq -r --arg n "$n" --arg c "$c" --arg k "$k" '.nab as $r |
            ["standard", "reward_low_FP_rate", "reward_low_FN_rate"][] as $p |
            [$n, $c, $k, $p, $r[$p].threshold, $r[$p].score] | @tsv' >>"$sc"
}
while IFS="$tab" read -r name opts; do
    dir=$cache/runs/$name
    for h in $cats; do
        rest=$cache/rest/$name/$h
        rm -rf "$rest"
        mkdir -p "$rest"
        for c in $cats; do
            [ "$c" = "$h" ] || ln -s "$dir/$c" "$rest/$c"
        done
        ev "$name" "$h" in "$dir/$h" --nab-optimize
        ev "$name" "$h" rest "$rest" --nab-optimize
        for p in $profiles; do
            x=$(awk -F'\t' -v n="$name" -v c="$h" -v p="$p" \
                '$1 == n && $2 == c && $3 == "rest" && $4 == p { print $5 }' "$sc")
            ev "$name" "$h" "held-$x" "$dir/$h" --nab-threshold "$x"
        done
    done
    ev "$name" all in "$dir" --nab-optimize
done <"$grid"
# of each held-out run, keep the profile whose rest threshold it applied
awk -F'\t' -v OFS='\t' '
    $3 == "rest" { rt[$1 FS $2 FS $4] = $5 }
    $3 ~ /^held-/ { k = $1 FS $2 FS $4
        if ((k in rt) && substr($3, 6) == rt[k] && !(k in done)) { done[k] = 1; $3 = "held"; print }
        next }
    { print }' "$sc" >"$sc.tmp"
mv "$sc.tmp" "$sc"
t_eval=$(($(now) - t1))

# 3. tables
r2() { awk '{ printf "%.2f", $1 }'; }
echo "Configurations ($(wc -l <"$grid" | tr -d ' ')): $(cut -f1 "$grid" | tr '\n' ' ')"
echo
for p in $profiles; do
    echo "### $p: per category, threshold optimised on that category alone (in-sample)"
    echo
    printf '| configuration | all 58 files |'
    for h in $cats; do printf ' %s |' "$h"; done
    echo
    printf '|---|---|'
    for h in $cats; do printf -- '---|'; done
    echo
    while IFS="$tab" read -r name opts; do
        printf '| %s |' "$name"
        for h in all $cats; do
            awk -F'\t' -v n="$name" -v c="$h" -v p="$p" \
                '$1 == n && $2 == c && $3 == "in" && $4 == p { printf " %.2f |", $6 }' "$sc"
        done
        echo
    done <"$grid"
    echo
    echo "### $p: held out, threshold optimised on the other 6 categories"
    echo
    echo "Each configuration's score on the held-out category at the threshold chosen on the other 6, then the selection: the configuration best on the other 6 (its score there), and its held-out score."
    echo
    printf '| configuration |'
    for h in $cats; do printf ' %s |' "$h"; done
    echo ' mean |'
    printf '|---|'
    for h in $cats; do printf -- '---|'; done
    echo '---|'
    while IFS="$tab" read -r name opts; do
        printf '| %s |' "$name"
        for h in $cats; do
            awk -F'\t' -v n="$name" -v c="$h" -v p="$p" \
                '$1 == n && $2 == c && $3 == "held" && $4 == p { printf " %.2f |", $6 }' "$sc"
        done
        awk -F'\t' -v n="$name" -v p="$p" \
            '$1 == n && $3 == "held" && $4 == p { s += $6; k++ } END { printf " %.2f |\n", s / k }' "$sc"
    done <"$grid"
    # the selection
    sel=$cache/sel.$p
    : >"$sel"
    for h in $cats; do
        awk -F'\t' -v c="$h" -v p="$p" '
            FILENAME == ARGV[1] { ord[$1] = FNR; next }
            $2 == c && $3 == "rest" && $4 == p {
                if (best == "" || $6 > bs || ($6 == bs && ord[$1] < ord[best])) { best = $1; bs = $6; bt = $5 }
            }
            $2 == c && $3 == "held" && $4 == p { held[$1] = $6 }
            END { printf "%s\t%s\t%s\t%s\t%s\n", c, best, bt, bs, held[best] }' "$grid" "$sc" >>"$sel"
    done
    echo
    echo "Selection ($p): per held-out category, the configuration best on the other 6 and its held-out score."
    echo
    echo "| held out | selected | its score on the other 6 | threshold (from the 6) | held-out score |"
    echo "|---|---|---|---|---|"
    while IFS="$tab" read -r h best bt bs hs; do
        printf '| %s | %s | %.2f | %.12g | **%.2f** |\n' "$h" "$best" "$bs" "$bt" "$hs"
    done <"$sel"
    awk -F'\t' '{ s += $5; k++ } END { printf "| mean | | | | **%.2f** |\n", s / k }' "$sel"
    echo
    echo "Folds won ($p): $(cut -f2 "$sel" | sort | uniq -c | sort -rn | awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }')."
    echo
done
echo "Run time: result CSVs ${t_runs} s (cached runs take 0 s), scoring ${t_eval} s."
