# Issue 19's "tried as a new user would" case: a week of daily Prometheus
# API dumps of a label-less query (metric: {}, as `curl .../query_range`
# writes them) plus a README.txt, replayed and fitted with every default:
# one series named after the files without their dates, the samples at
# the day boundaries once, a warning naming README.txt, and anomalies at
# the injected error spike (day 6, 14:00-14:30) - both through a pipe and
# with aiops-fit reading the directory itself.
set -eu
d=$(mktemp -d /tmp/aiops-new-user.XXXXXX)
trap 'rm -rf "$d"' EXIT
mkdir "$d/dumps"
# 2024-03-01T00:00:00Z = 1709251200; 5-minute steps; each dump ends with
# the next midnight, so every boundary sample is in two files.  The ratio
# has a daily shape and a small deterministic wobble.
for day in 1 2 3 4 5 6 7; do
    awk -v day=$day 'BEGIN {
        t0 = 1709251200 + (day - 1) * 86400
        printf "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":["
        for (i = 0; i <= 288; i++) {
            t = t0 + i * 300
            h = (t % 86400) / 3600
            v = 0.010 + 0.004 * sin(6.2831853 * h / 24) + 0.0008 * sin(t * 0.37) + 0.0005 * sin(t * 1.91)
            if (t >= 1709251200 + 5 * 86400 + 14 * 3600 && t < 1709251200 + 5 * 86400 + 14.5 * 3600)
                v = 0.09
            printf "%s[%d,\"%.6f\"]", (i ? "," : ""), t, v
        }
        printf "]}]}}\n"
    }' > "$d/dumps/error-ratio-2024-03-0$day.json"
done
printf 'Daily dumps of sum(rate(errors[5m])) / sum(rate(requests[5m])).\n' > "$d/dumps/README.txt"

check() {   # $1 = output, $2 = stderr
    # one series, named without the dates
    [ "$(jq -r 'select(.type == "sample" or .type == "anomaly") | .name' "$1" | sort -u)" = error_ratio ] ||
        { echo "series:"; jq -r .name "$1" | sort | uniq -c; exit 1; }
    # 7 days x 289 samples, 6 boundary samples twice: 2017, no time twice
    [ "$(jq -r 'select(.type == "sample") | .ts' "$1" | sort | uniq -d | wc -l)" -eq 0 ]
    [ "$(jq -r 'select(.type == "sample") | .ts' "$1" | wc -l)" -eq 2017 ]
    grep -q 'dropped 6 duplicate samples' "$2" || { cat "$2"; exit 1; }
    grep -q 'warning: .*README.txt' "$2" || { cat "$2"; exit 1; }
    # anomalies, and one of them at the spike of day 6
    jq -s -e 'map(select(.type == "anomaly" and .state == "firing")) | length >= 1' "$1" >/dev/null ||
        { echo "no anomaly"; cat "$2"; exit 1; }
    jq -s -e 'any(.[]; .type == "anomaly" and .start >= 1709733600 and .start < 1709735400)' "$1" >/dev/null ||
        { echo "the spike was missed"; jq -c 'select(.type == "anomaly")' "$1"; exit 1; }
    ! grep -q 'never left training' "$2"
}
"$BIN/aiops-replay" "$d/dumps" 2> "$d/err1" | "$BIN/aiops-fit" > "$d/out1" 2>> "$d/err1"
check "$d/out1" "$d/err1"
"$BIN/aiops-fit" "$d/dumps" > "$d/out2" 2> "$d/err2"
check "$d/out2" "$d/err2"
