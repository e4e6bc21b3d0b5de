#!/bin/sh
# bench/soak.sh [GB...] - issue 27's soak: a generated archive of GB
# gigabytes (uncompressed; default 1 and 10) through
#   aiops-replay ARCHIVE | aiops-fit | aiops-cluster | aiops-rca
# with each stage's peak RSS and CPU time (/usr/bin/time -f '%M %U %S').
#
# The archive is aiops-simulate's of bench/scenarios/big.json (100 services
# x 10 metrics at 1-minute resolution, two faults) with logs (2 lines per
# service and minute) and traces (2 per minute) on, so every stage has
# work: samples for aiops-fit, alerts and anomalies for aiops-cluster,
# spans, logs and incidents for aiops-rca.  One simulated day is about
# 88 MB of member text; the number of days is chosen from that to reach GB.
# The pipeline's output (every record passes through) is counted by type,
# not kept.  Prints one Markdown table row per size (docs/BENCHMARKS.md,
# "Soak (issue 27)").  SOAK_DIR: where the archive goes (default /tmp;
# removed at the end).  Disk: the archive is about 13% of GB.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
[ -x "$bin/aiops-rca" ] || { echo "build first: make" >&2; exit 2; }
sizes=${*:-1 10}
work=$(mktemp -d "${SOAK_DIR:-/tmp}/aiops-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT
jq '.logs.per_minute = 2 | .traces.per_minute = 2' "$root/bench/scenarios/big.json" >"$work/s.json"

# bytes of member text of one simulated day
"$bin/aiops-simulate" --days 1 -o "$work/day.tar.zst" "$work/s.json"
per_day=$(zstd -dc "$work/day.tar.zst" | wc -c)
rm -f "$work/day.tar.zst"

# "RSS_MB CPU_S" from a /usr/bin/time -f '%M %U %S' file
stage() { awk '{ printf "%.0f MB, %.0f s", $1 / 1024, $2 + $3 }' "$1"; }

echo "| archive (uncompressed) | days | compressed | simulate | replay | fit | cluster | rca | records out |"
echo "|---|---|---|---|---|---|---|---|---|"
for gb in $sizes; do
    days=$(awk -v g="$gb" -v d="$per_day" 'BEGIN { n = int(g * 1e9 / d + 0.999); print n < 1 ? 1 : n }')
    a=$work/soak.tar.zst
    /usr/bin/time -f '%M %U %S' -o "$work/t.sim" "$bin/aiops-simulate" --days "$days" -o "$a" "$work/s.json"
    bytes=$(zstd -dc "$a" | wc -c)
    # each stage under its own time(1); the counts of the last stage's output
    /usr/bin/time -f '%M %U %S' -o "$work/t.replay" "$bin/aiops-replay" "$a" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.fit" "$bin/aiops-fit" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.cluster" "$bin/aiops-cluster" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.rca" "$bin/aiops-rca" |
        awk '{ n++ } /^\{"type":"rca"/ { r++ } /^\{"type":"incident"/ { i++ }
             END { printf "%d (%d incidents, %d rca)\n", n, i, r }' >"$work/count"
    printf '| %.2f GB | %d | %.0f MB | %s | %s | %s | %s | %s | %s |\n' \
        "$(echo "$bytes" | awk '{ print $1 / 1e9 }')" "$days" \
        "$(wc -c <"$a" | awk '{ print $1 / 1e6 }')" "$(stage "$work/t.sim")" \
        "$(stage "$work/t.replay")" "$(stage "$work/t.fit")" "$(stage "$work/t.cluster")" \
        "$(stage "$work/t.rca")" "$(cat "$work/count")"
    rm -f "$a"
done
