#!/bin/sh
# demo.sh - what `make demo` runs: the toolkit on the bundled demo archive
# (datasets/demo/demo.tar.zst, made by aiops-simulate from scenarios/demo.json).
set -eu
cd "$(dirname "$0")/.."
demo=datasets/demo/demo.tar.zst
[ -f "$demo" ] || { echo "demo: $demo is missing (make datasets)" >&2; exit 2; }
echo "== what is in the archive (aiops-replay --stats, largest series first)"
bin/aiops-replay --members 'metrics/*' --stats -o /dev/null "$demo" 2>&1 |
    grep -v '(' | sort -k1,1nr | head -10
echo
echo "== ground truth: the incidents injected into the demo scenario"
bin/aiops-replay --members labels.ndjson "$demo" |
    jq -r '[.id, (.start|todate), .kind, "root cause: " + .root_cause] | @tsv'
echo
echo "== the merged stream, as the other tools see it (first records)"
bin/aiops-replay --members 'metrics/*' "$demo" | head -3
