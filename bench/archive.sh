#!/bin/sh
# bench/archive.sh [N] - issue 21's archive point: N samples (default
# 10,000,000; 1000 series) as TSV, plain and as a one-member .tar.zst,
# replayed by aiops-replay (the archive listed afresh, and listed from its
# --index), side by side with `zstd -dc | wc -c` (decompression alone, the
# floor of any reader of the archive) and `jq -cR 'split("\t")'` (a
# generic line reader) on the same data in the same run.  OLD=path: an
# older aiops-replay measured on the same files.  Prints wall and CPU
# (user + system, all threads) seconds, samples per wall and per CPU
# second, and peak RSS.  BENCH_DIR: where the data goes (default
# /tmp/aiops-bench; kept for the next run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000000}
work=${BENCH_DIR:-/tmp/aiops-bench}
replay=$root/bin/aiops-replay
[ -x "$replay" ] || { echo "build first: make" >&2; exit 2; }
mkdir -p "$work/tsv-$n"
d=$work/tsv-$n
cc -O2 -o "$work/gen-samples" "$root/bench/gen-samples.c"
[ -s "$d/samples.tsv" ] || "$work/gen-samples" tsv "$n" 1000 > "$d/samples.tsv"
[ -s "$d/samples.tsv.tar.zst" ] ||
    tar -C "$d" -cf - samples.tsv | zstd -q -3 -T2 > "$d/samples.tsv.tar.zst"
a=$d/samples.tsv.tar.zst

row() {     # row LABEL CMD...: one line from /usr/bin/time
    label=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" sh -c "$*" > /dev/null
    awk -v l="$label" -v n="$n" '{ c = $2 + $3
        printf "| %s | %.2f | %.2f | %.2f M | %.2f M | %.1f MB |\n", l, $1, c, n / $1 / 1e6,
               n / c / 1e6, $4 / 1024 }' "$work/time.txt"
}

echo "| run | wall s | CPU s | samples/wall s | samples/CPU s | peak RSS |"
echo "|---|---|---|---|---|---|"
row "zstd -dc \\| wc -c" "zstd -dc '$a' | wc -c"
for r in "$replay" ${OLD:-}; do
    tag=$( [ "$r" = "$replay" ] && echo new || echo old )
    rm -f "$a.aiops-index"
    row "$tag: plain TSV" "'$r' -f tsv -o /dev/null '$d/samples.tsv'"
    row "$tag: .tar.zst" "'$r' -f tsv -o /dev/null '$a'"
    "$r" --index -f tsv -o /dev/null "$a"           # writes the index
    row "$tag: .tar.zst --index" "'$r' --index -f tsv -o /dev/null '$a'"
    rm -f "$a.aiops-index"
done
row "jq -cR 'split(\"\\\\t\")'" "jq -cR 'split(\"\\t\")' '$d/samples.tsv'"
