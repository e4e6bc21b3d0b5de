# --pass-through: in a pipe on the replayed stream, every input record is
# written through unchanged, the prediction records among them are those
# of the run without it, each stamped no later than the record after it;
# reading the stream from stdin and the archive directly give the same
# predictions; --train refuses it (it writes a model).
set -eu
d=$(mktemp -d /tmp/aiops-predict-pass.XXXXXX)
trap 'rm -rf "$d"' EXIT
awk 'BEGIN { for (i = 0; i <= 60; i++) { t = 1700000000 + 300 * i; h = i / 12; v = h < 3 ? 0.5 : 0.5 + 0.25 * (h - 3); if (v > 1) v = 1; printf "%d\tdisk_usage_ratio{service=\"db\"}\t%.5f\n%d\tcpu_usage_ratio{service=\"db\"}\t%.3f\n", t, v + 0.0005 * (i % 3), t, 0.3 + 0.01 * (i % 2) } }' > "$d/in.tsv"
printf '{"type":"event","ts":1700010000,"service":"db","kind":"deploy","version":"v2"}\n' > "$d/ev.ndjson"
"$BIN/aiops-replay" "$d/in.tsv" "$d/ev.ndjson" > "$d/stream.ndjson"
"$BIN/aiops-predict" < "$d/stream.ndjson" > "$d/pred.ndjson"
"$BIN/aiops-predict" --pass-through < "$d/stream.ndjson" > "$d/pass.ndjson"
[ "$(grep -c '"type":"prediction"' "$d/pred.ndjson")" -ge 1 ]
grep '"type":"prediction"' "$d/pass.ndjson" | cmp - "$d/pred.ndjson"
grep -v '"type":"prediction"' "$d/pass.ndjson" | cmp - "$d/stream.ndjson"
jq -e -s '[.[].ts] as $t | all(range(1; $t | length); $t[.] >= $t[. - 1])' "$d/pass.ndjson" >/dev/null
# the same from an archive read directly
tar -C "$d" -cf "$d/a.tar" in.tsv ev.ndjson
"$BIN/aiops-predict" "$d/a.tar" | cmp - "$d/pred.ndjson"
# usage error with --train
rc=0
"$BIN/aiops-predict" --train --pass-through -l "$d/ev.ndjson" "$d/stream.ndjson" -o "$d/m.json" 2> "$d/err" || rc=$?
[ "$rc" = 2 ]
grep -q -- '--pass-through: only when scoring' "$d/err"
