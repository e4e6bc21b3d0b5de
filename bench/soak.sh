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

# SOAK_LOG=FILE: every SOAK_EVERY seconds (default 30) while the pipeline
# runs, one line: elapsed seconds, the time of the last record out, and
# each stage's RSS now (VmRSS, MB) and CPU seconds so far, so a run that
# cannot finish still says how far it got and whether memory grew.
sample() {   # sample PID_OF_PIPELINE START GB
    while kill -0 "$1" 2>/dev/null; do
        sleep "${SOAK_EVERY:-30}"
        ps -e -o pid=,ppid=,comm= | awk -v root="$1" -v t="$(($(date +%s) - $2))" \
            -v last="$(tail -n 1 "$work/progress" 2>/dev/null)" -v gb="$3" -v tck="$(getconf CLK_TCK)" '
            { parent[$1] = $2; name[$1] = $3 }
            END {
                line = sprintf("%s GB %6d s  out %-26s", gb, t, last)
                for (p in name) {
                    for (q = p; q in parent && q != root; q = parent[q]) ;
                    if (q != root || name[p] !~ /^aiops-/) continue
                    rss = 0
                    f = "/proc/" p "/status"
                    while ((getline l < f) > 0) if (l ~ /^VmRSS:/) { split(l, a, " "); rss = a[2] }
                    close(f)
                    f = "/proc/" p "/stat"
                    cpu = 0
                    if ((getline l < f) > 0) { sub(/.*\) /, "", l); split(l, a, " "); cpu = (a[12] + a[13]) / tck }
                    close(f)
                    st[substr(name[p], 7)] = sprintf("%.0f MB %.0f s", rss / 1024, cpu)
                }
                split("replay fit cluster rca", order, " ")
                for (k = 1; k <= 4; k++) if (order[k] in st) line = line "  " order[k] " " st[order[k]]
                print line
            }' >>"$SOAK_LOG"
    done
}

echo "| archive (uncompressed) | days | compressed | simulate | replay | fit | cluster | rca | records out |"
echo "|---|---|---|---|---|---|---|---|---|"
for gb in $sizes; do
    days=$(awk -v g="$gb" -v d="$per_day" 'BEGIN { n = int(g * 1e9 / d + 0.999); print n < 1 ? 1 : n }')
    a=$work/soak.tar.zst
    /usr/bin/time -f '%M %U %S' -o "$work/t.sim" "$bin/aiops-simulate" --days "$days" -o "$a" "$work/s.json"
    bytes=$(zstd -dc "$a" | wc -c)
    # each stage under its own time(1); the counts of the last stage's output
    # (and every 100,000th record's time in $work/progress, for SOAK_LOG)
    start=$(date +%s)
    rm -f "$work/progress"
    (/usr/bin/time -f '%M %U %S' -o "$work/t.replay" "$bin/aiops-replay" "$a" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.fit" "$bin/aiops-fit" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.cluster" "$bin/aiops-cluster" |
        /usr/bin/time -f '%M %U %S' -o "$work/t.rca" "$bin/aiops-rca" |
        awk -v prog="$work/progress" '{ n++ } /^\{"type":"rca"/ { r++ } /^\{"type":"incident"/ { i++ }
             n % 100000 == 0 && match($0, /"ts":[0-9.]+/) {
                 print strftime("%Y-%m-%dT%H:%MZ", substr($0, RSTART + 5, RLENGTH - 5), 1) >prog; fflush(prog) }
             END { printf "%d (%d incidents, %d rca)\n", n, i, r }' >"$work/count") &
    pipe=$!
    [ -z "${SOAK_LOG:-}" ] || sample "$pipe" "$start" "$gb" &
    wait "$pipe"
    printf '| %.2f GB | %d | %.0f MB | %s | %s | %s | %s | %s | %s |\n' \
        "$(echo "$bytes" | awk '{ print $1 / 1e9 }')" "$days" \
        "$(wc -c <"$a" | awk '{ print $1 / 1e6 }')" "$(stage "$work/t.sim")" \
        "$(stage "$work/t.replay")" "$(stage "$work/t.fit")" "$(stage "$work/t.cluster")" \
        "$(stage "$work/t.rca")" "$(cat "$work/count")"
    rm -f "$a"
done
