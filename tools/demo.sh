#!/bin/sh
# demo.sh - what `make demo` runs: replay the bundled demo archive and show
# what is in it.
set -eu
cd "$(dirname "$0")/.."
demo=datasets/demo/demo.tar.zst
[ -f "$demo" ] || { echo "demo: $demo is missing" >&2; exit 2; }
echo "== aiops-replay $demo --stats (per-series sample counts)"
bin/aiops-replay --stats -o /dev/null "$demo" 2>&1 | sort -k1,1nr | head -15
echo
echo "== first records of the merged stream"
bin/aiops-replay "$demo" | head -5
