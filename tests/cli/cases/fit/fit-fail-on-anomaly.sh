# Exit status: 1 with --fail-on-anomaly when an anomaly fired, else 0; 2 on errors.
set -u
f=tests/fixtures/fit/load.tsv
"$BIN/aiops-fit" --static 'node_load1>4' --fail-on-anomaly --no-samples "$f" >/dev/null
[ $? = 1 ] || { echo "expected 1 with an anomaly"; exit 1; }
"$BIN/aiops-fit" --static 'node_load1>4' --no-samples "$f" >/dev/null
[ $? = 0 ] || { echo "expected 0 without --fail-on-anomaly"; exit 1; }
"$BIN/aiops-fit" --static 'node_load1>100' --fail-on-anomaly --no-samples "$f" >/dev/null
[ $? = 0 ] || { echo "expected 0 without anomalies"; exit 1; }
"$BIN/aiops-fit" --static 'node_load1>4' --fail-on-anomaly tests/fixtures/fit/bad-input.tsv >/dev/null 2>&1
[ $? = 2 ] || { echo "expected 2 on bad input"; exit 1; }
echo "exit status ok"
