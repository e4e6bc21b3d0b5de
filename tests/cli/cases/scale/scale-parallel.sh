# docs/SCALE.md's GNU parallel recipe, run as written (the block after
# "<!-- recipe: parallel"): 8 shards of aiops-fit over a simulated archive,
# merged by aiops-replay into aiops-cluster | aiops-rca, and the 8 model
# files merged by --load.  The result equals the unsharded run.  Skips
# (passes) when GNU parallel is not installed.
set -eu
command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel' ||
    { echo "skipped: GNU parallel is not installed"; exit 0; }
root=$(pwd)
tmp=$(mktemp -d /tmp/aiops-parallel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk '/^<!-- recipe: parallel/ { on = 1; next } on && /^```sh/ { go = 1; next }
     go && /^```/ { exit } go { print }' "$root/docs/SCALE.md" >"$tmp/recipe.sh"
grep -q -- '--shard {}/8' "$tmp/recipe.sh" || { echo "recipe not found in docs/SCALE.md"; exit 1; }
cd "$tmp"
"$BIN/aiops-simulate" --days 2 --step 10m -o archive.tar.zst "$root/scenarios/demo.json"
HOME=$tmp sh -e recipe.sh 2>"$tmp/recipe.err" || { echo "the recipe failed"; cat "$tmp/recipe.err"; exit 1; }
# the unsharded run
"$BIN/aiops-fit" --save all.json archive.tar.zst 2>/dev/null >all.ndjson
"$BIN/aiops-cluster" all.ndjson 2>/dev/null | "$BIN/aiops-rca" 2>/dev/null >all-inc.ndjson
grep -hv '"type":"scored"' fit-[0-7].ndjson | sort >u.s
grep -v '"type":"scored"' all.ndjson | sort | cmp -s - u.s || { echo "fit shards differ from the unsharded run"; exit 1; }
for k in 0 1 2 3 4 5 6 7; do
    [ "$(jq '.series | length' models-$k.json)" -ge 1 ] || { echo "shard $k has no series"; exit 1; }
done
"$BIN/aiops-fit" --load all.json --save all-rt.json </dev/null >/dev/null
jq -S . all-rt.json >a.j
jq -S . models.json | cmp -s - a.j || { echo "merged models differ from the unsharded ones"; exit 1; }
inc() { jq -c 'select(.type == "incident") | [.id, .start, .end, (.services | sort), (.alerts | sort)]' "$1"; }
inc incidents.ndjson >i1
inc all-inc.ndjson >i2
[ -s i1 ] && cmp -s i1 i2 || { echo "incidents differ"; diff i1 i2 | head; exit 1; }
# the same ranking, candidate for candidate with their scores (aiops-rca's
# ranking does not depend on the order of records with equal timestamps,
# which the merge of the shards' streams may change)
rca() { jq -c 'select(.type == "rca") | [.incident, (.candidates | map([.service, .score]))]' "$1"; }
rca incidents.ndjson >r1
rca all-inc.ndjson >r2
[ -s r1 ] && cmp -s r1 r2 || { echo "rca differs"; diff r1 r2 | head; exit 1; }
echo "parallel recipe ok"
