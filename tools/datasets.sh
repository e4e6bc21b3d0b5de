#!/bin/sh
# datasets.sh [BINDIR] - regenerate the committed datasets from scenarios/
# (what `make datasets` runs).  The simulator is deterministic, so a run
# on an unchanged tree reproduces the committed files byte for byte; a
# diff after changing the simulator shows that its output changed.
#
#   datasets/demo/demo.tar.zst   <- scenarios/demo.json   (used by make demo)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/bin}
sim="$bin/aiops-simulate"
[ -x "$sim" ] || { echo "datasets: $sim not found; run make first" >&2; exit 2; }
cd "$root"

gen() {   # scenario output
    mkdir -p "$(dirname "$2")"
    tmp="$2.tmp.$$"
    "$sim" "$1" -o "$tmp" --stats 2>"$tmp.stats" || { cat "$tmp.stats" >&2; rm -f "$tmp" "$tmp.stats"; exit 1; }
    mv "$tmp" "$2"
    size=$(wc -c <"$2")
    samples=$(awk '$2 == "sample" { print $1 }' "$tmp.stats")
    labels=$(awk '$2 == "label" { print $1 }' "$tmp.stats")
    rm -f "$tmp.stats"
    echo "datasets: $2 from $1: $samples samples, $labels incidents, $size bytes"
    # keep the committed demo small enough for the repository
    [ "$size" -lt 5000000 ] || { echo "datasets: $2 is over 5 MB" >&2; exit 1; }
}

gen scenarios/demo.json datasets/demo/demo.tar.zst
