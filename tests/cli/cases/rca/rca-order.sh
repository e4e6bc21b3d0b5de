# aiops-rca's rankings do not depend on the order of records with equal
# timestamps (merged shard streams interleave them differently): every
# span of a tick at one ts (gw calls a, b, c, x; a and b slowed alike, so
# their scores tie), two aiops-fit anomalies of a at one ts, two labels of
# one start.  Each run of equal-ts records reversed, then rotated by one:
# the rca records are the same, byte for byte, in the same order.
set -eu
tmp=$(mktemp -d /tmp/aiops-rca-order.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN {
    t0 = 1704103200 + 3 * 3600; split("a b c x", callee, " ")
    for (t = t0 - 3 * 3600; t < t0 + 1800; t += 20) {
        tick++
        if (t == t0) {
            printf "{\"type\":\"label\",\"ts\":%d,\"id\":\"F2\",\"start\":%d}\n", t, t
            printf "{\"type\":\"label\",\"ts\":%d,\"id\":\"F1\",\"start\":%d}\n", t, t
        }
        if (t >= t0 && t < t0 + 300) {
            printf "{\"type\":\"anomaly\",\"ts\":%d,\"series\":\"q\",\"service\":\"a\",\"score\":9,\"anomaly_score\":0.9}\n", t
            printf "{\"type\":\"anomaly\",\"ts\":%d,\"series\":\"r\",\"service\":\"a\",\"score\":2,\"anomaly_score\":0.2}\n", t
        }
        for (j = 0; j < 3; j++) {
            printf "{\"type\":\"span\",\"ts\":%d,\"trace_id\":\"t%d-%d\",\"span_id\":\"r\",\"service\":\"gw\",\"duration\":0.9}\n", t, tick, j
            for (k = 0; k < 4; k++) {
                slow = (t >= t0 && k < 2) ? 8 : 1; d = 0.01 * slow * (1 + 0.1 * ((tick + j + k) % 3))
                printf "{\"type\":\"span\",\"ts\":%d,\"trace_id\":\"t%d-%d\",\"span_id\":\"c%d\",\"parent_span_id\":\"r\",\"service\":\"gw\",\"duration\":%.4f}\n", t, tick, j, k, d + 0.002 * (1 + k)
                printf "{\"type\":\"span\",\"ts\":%d,\"trace_id\":\"t%d-%d\",\"span_id\":\"s%d\",\"parent_span_id\":\"c%d\",\"service\":\"%s\",\"duration\":%.4f}\n", t, tick, j, k, k, callee[k+1], d
            }
        }
    }
}' > "$tmp/in.ndjson"
# each run of lines with the same "ts": reversed (rot=0) or rotated by one (rot=1)
perm() {
    awk -v rot="$1" 'function flush(   i) {
        if (rot) { for (i = 2; i <= n; i++) print buf[i]; if (n) print buf[1] }
        else for (i = n; i >= 1; i--) print buf[i]
        n = 0 }
    { t = $0; sub(/.*"ts":/, "", t); sub(/[,}].*/, "", t)
      if (n && t != last) flush(); buf[++n] = $0; last = t }
    END { flush() }' "$tmp/in.ndjson"
}
perm 0 > "$tmp/rev.ndjson"
perm 1 > "$tmp/rot.ndjson"
cmp -s "$tmp/in.ndjson" "$tmp/rev.ndjson" && { echo "the permutation changed nothing"; exit 1; }
for f in in rev rot; do
    "$BIN/aiops-rca" --rca-only --on label "$tmp/$f.ndjson" > "$tmp/$f.rca"
done
[ "$(jq -r .incident "$tmp/in.rca" | tr '\n' ' ')" = "F1 F2 " ] || { echo "incidents: $(jq -r .incident "$tmp/in.rca")"; exit 1; }
[ "$(jq -r '.candidates[0:2] | map(.service) | join(",")' "$tmp/in.rca" | head -1)" = "a,b" ] ||
    { echo "the twins a, b do not lead in name order"; exit 1; }
for f in rev rot; do
    cmp -s "$tmp/in.rca" "$tmp/$f.rca" || { echo "$f: rca differs"; diff "$tmp/in.rca" "$tmp/$f.rca" | cut -c1-200 | head; exit 1; }
done
echo "rca order ok"
