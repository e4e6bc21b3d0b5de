# --save / --load keep non-finite numbers: a rule 'x > -Inf' is saved with
# threshold "-Inf" (params and state) and the file loads back, judging every
# point as the unsaved run does.
set -eu
tmp=$(mktemp -d /tmp/aiops-fit-inf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
f=tests/fixtures/fit/small.ndjson
"$BIN/aiops-fit" --static 'latency_ms > -Inf' --no-samples --save "$tmp/m.json" "$f" >"$tmp/whole"
jq -e '.series["latency_ms{service=\"api\"}"][0].params == {"op": ">", "threshold": "-Inf"}' \
    "$tmp/m.json" >/dev/null || { echo "threshold not saved"; cat "$tmp/m.json"; exit 1; }
"$BIN/aiops-fit" --load "$tmp/m.json" --no-samples "$f" >"$tmp/loaded" 2>"$tmp/err"
cmp "$tmp/whole" "$tmp/loaded"
# loaded series count as modelled: no "nothing matched" warning with --match
"$BIN/aiops-fit" --load "$tmp/m.json" -m latency_ms --no-samples "$f" 2>"$tmp/err" | cmp - "$tmp/whole"
[ ! -s "$tmp/err" ] || { cat "$tmp/err"; exit 1; }
[ "$(jq -r 'select(.state=="firing") | .ts' "$tmp/loaded")" = 1700000000 ]
# a file written before (no threshold in params) still loads
jq 'del(.series[][0].params.threshold)' "$tmp/m.json" >"$tmp/old.json"
"$BIN/aiops-fit" --load "$tmp/old.json" --no-samples "$f" | cmp - "$tmp/whole"
echo "non-finite save/load ok"
