# --speed paces output: 2 s of stream time at 4x takes >= 0.5 s of wall time,
# and the records are unchanged.
set -eu
t0=$(date +%s%N)
out=$(printf '1700000000\tup\t1\n1700000001\tup\t2\n1700000002\tup\t3\n' | "$BIN/aiops-replay" --speed 4 -f tsv)
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 480 ] || { echo "took $ms ms, expected >= 500"; exit 1; }
[ "$ms" -lt 5000 ] || { echo "took $ms ms, expected about 500"; exit 1; }
[ "$(printf '%s\n' "$out" | cut -f3 | tr '\n' ' ')" = "1 2 3 " ] || { echo "bad output: $out"; exit 1; }
