# A series too short for its model is left unscored with a warning on
# stderr (naming the series and the model's reason); the other series and
# every record still pass through, and the exit status stays 0.
set -eu
out=$("$BIN/aiops-fit" --model sarima --train 3m tests/fixtures/fit/short.tsv 2>/tmp/aiops-fit-unfit.$$)
err=$(cat /tmp/aiops-fit-unfit.$$); rm -f /tmp/aiops-fit-unfit.$$
echo "$err" | grep -q '^aiops-fit: warning: c: not scored: sarima: ' || { echo "no warning for c: $err"; exit 1; }
echo "$err" | grep -q '^aiops-fit: warning: n: not scored: sarima: ' || { echo "no warning for n: $err"; exit 1; }
[ "$(echo "$out" | grep -c .)" = 8 ] || { echo "samples lost: $out"; exit 1; }
echo "unfit ok"
