# NAB reproduction: our NAB score of the two reference detectors' result
# files equals NAB's published scores (results/final_results.json) to two
# decimals, for all three profiles.  Needs ../shared/datasets/nab.
set -eu
N=../shared/datasets/nab
[ -f "$N/reference-results.tar.zst" ] || { echo "skipped: $N not present"; exit 0; }
for det in numenta windowedGaussian; do
    got=$("$BIN/aiops-eval" --nab-windows "$N/labels/combined_windows.json" \
        --nab-thresholds "$N/config/thresholds.json" --detector "$det" \
        --nab-results "$N/reference-results.tar.zst" |
        jq -r '.nab | [.files, .windows, .standard.score, .reward_low_FP_rate.score, .reward_low_FN_rate.score] | map(tostring) | join(" ")')
    want=$(jq -r --arg d "$det" '.[$d] | [.standard, .reward_low_FP_rate, .reward_low_FN_rate] | map(tostring) | join(" ")' \
        "$N/results/final_results.json")
    echo "$det: ours $got; published $want"
    echo "$got $want" | awk '{ if ($1 != 58 || $2 != 116) exit 1
        for (i = 3; i <= 5; i++) { d = $i - $(i + 3); if (d < 0) d = -d; if (d >= 0.005) exit 1 } }'
done
