#!/bin/sh
# bench/e2e.sh [SIZE] - our pipeline against the classic Python one, end to
# end, on the same archives in one run (issue 28).
#
# SIZE is 1x (the default), 10x (also spelled large) or 100x: the
# scenario bench/scenarios/e2e-SIZE.json (written by e2e_gen.py: 10
# services/7 days, 100/14, 300/28, 5-minute step, logs and traces on).
# aiops-simulate writes a test archive (the scenario's seed) and a
# training archive (seed + 1000); the ground truth (labels.ndjson) and
# scenario.json are taken out of both, as a team's archive has neither.
#
#   ours:   aiops-replay test | aiops-predict --model M --pass-through |
#           aiops-fit | aiops-cluster | aiops-rca (the predictor scores the
#           replayed stream in the pipe: the archive is read once), and
#           aiops-predict --train on the training archive, all with their
#           defaults
#   Python: bench/python_ref/aiops_ref.py train / run (pandas, statsmodels,
#           scikit-learn, networkx; Debian's /usr/bin/python3)
#
# Each stage of ours runs alone, file to file, under /usr/bin/time (wall,
# user, sys, peak RSS); with E2E_PIPE=1 (the default at 1x) the chain then
# runs once more as one pipe, whose CPU is the end-to-end figure; at the
# larger sizes (E2E_PIPE=0) the end-to-end CPU is the sum of the stages.
# The peak RSS of the pipe is the sum of its stages' peaks, as they run at
# once.  E2E_REUSE=1 keeps the archives of the last run of that size.  The Python stages are timed inside
# the one process (CPU of it and its tar child; the RSS column is the
# high-water mark reached by the end of the stage); its end-to-end figures
# are /usr/bin/time's.  One BLAS/OpenMP thread each.  The machine may be
# shared, so compare CPU seconds: wall times are shown but say little.
# Quality: aiops-eval on each side's records against the test labels.
#
# Prints the tables (Markdown) and a last line "e2e SIZE: ..." that
# bench/summary.sh collects.  Work files: $BENCH_DIR/e2e-SIZE (default
# /tmp/aiops-bench), kept for inspection.  Needs make, cc, jq, zstd, GNU tar
# and /usr/bin/time.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
size=${1:-1x}
[ "$size" = large ] && size=10x
scen=bench/scenarios/e2e-$size.json
[ -f "$scen" ] || { echo "bench/e2e.sh: no scenario $scen (sizes: 1x 10x 100x)" >&2; exit 2; }
py=/usr/bin/python3
$py -c 'import pandas, statsmodels, sklearn, networkx' 2>/dev/null ||
    { echo "bench/e2e.sh: needs python3-pandas, -statsmodels, -sklearn, -networkx" >&2; exit 2; }
make -s -j2 all >/dev/null
work=${BENCH_DIR:-/tmp/aiops-bench}/e2e-$size
times=$work/times
bin=$root/bin
# E2E_REPORT_ONLY=1: only print the tables of the last run in $work
pipe=${E2E_PIPE:-$([ "$size" = 1x ] && echo 1 || echo 0)}
if [ -z "${E2E_REPORT_ONLY:-}" ]; then
if [ "${E2E_REUSE:-0}" = 1 ] && [ -s "$work/test.tar.zst" ] && [ -s "$work/train.tar.zst" ]; then
    find "$work" -type f ! -name 'test.*' ! -name 'train.*' -delete
else
rm -rf "$work"
mkdir -p "$work"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# archive SEED NAME: NAME.tar.zst without labels.ndjson and scenario.json,
# and NAME.labels
archive() {
    "$bin/aiops-simulate" "$scen" --seed "$1" -o "$work/$2-full.tar.zst" --stats 2> "$work/$2.stats"
    tar -xOf "$work/$2-full.tar.zst" labels.ndjson > "$work/$2.labels"
    zstd -q -dc "$work/$2-full.tar.zst" | tar --delete labels.ndjson scenario.json |
        zstd -q -f -o "$work/$2.tar.zst"
    rm -f "$work/$2-full.tar.zst"
}
seed=$(jq .seed "$scen")
archive "$seed" test
archive $((seed + 1000)) train
fi

# t NAME COMMAND...: one line "NAME wall user sys maxrss_kb" in $times
t() {
    name=$1
    shift
    /usr/bin/time -f "$name %e %U %S %M" -a -o "$times" "$@"
}

# ours, stage by stage
t train "$bin/aiops-predict" --train -l "$work/train.labels" "$work/train.tar.zst" -o "$work/model.json" \
    2> "$work/train.err"
t replay "$bin/aiops-replay" "$work/test.tar.zst" > "$work/replay.ndjson" 2> "$work/replay.err"
t predict "$bin/aiops-predict" --model "$work/model.json" --pass-through < "$work/replay.ndjson" \
    > "$work/pred.ndjson" 2> "$work/predict.err"
t fit "$bin/aiops-fit" < "$work/pred.ndjson" > "$work/fit.ndjson" 2> "$work/fit.err"
t cluster "$bin/aiops-cluster" < "$work/fit.ndjson" > "$work/cluster.ndjson" 2> "$work/cluster.err"
t rca "$bin/aiops-rca" < "$work/cluster.ndjson" > "$work/rca.ndjson" 2> "$work/rca.err"
rm -f "$work/replay.ndjson" "$work/pred.ndjson" "$work/fit.ndjson" "$work/cluster.ndjson"
if [ "$pipe" = 1 ]; then
    # ours, the chain as one pipe
    t pipe sh -c "'$bin/aiops-replay' '$work/test.tar.zst' |
        '$bin/aiops-predict' --model '$work/model.json' --pass-through | '$bin/aiops-fit' |
        '$bin/aiops-cluster' | '$bin/aiops-rca' > '$work/ours.ndjson'" 2> "$work/pipe.err"
    cmp -s "$work/ours.ndjson" "$work/rca.ndjson" ||
        echo "bench/e2e.sh: warning: the pipe's output differs from the staged run's" >&2
    rm -f "$work/rca.ndjson"
else
    mv "$work/rca.ndjson" "$work/ours.ndjson"
fi

# Python
t py-train $py bench/python_ref/aiops_ref.py train "$work/train.tar.zst" "$work/train.labels" \
    "$work/py-model.pkl" 2> "$work/py-train.err"
t py-run $py bench/python_ref/aiops_ref.py run "$work/test.tar.zst" "$work/py-model.pkl" \
    "$work/py.ndjson" "$work/py-stages.json"

# quality, one evaluator
"$bin/aiops-eval" --labels "$work/test.labels" "$work/ours.ndjson" > "$work/ours.eval"
"$bin/aiops-eval" --labels "$work/test.labels" "$work/py.ndjson" > "$work/py.eval"
fi

# ---- tables
jq -n -r --rawfile times "$times" --slurpfile ps "$work/py-stages.json" \
    --slurpfile o "$work/ours.eval" --slurpfile p "$work/py.eval" \
    --arg size "$size" --arg scen "$scen" \
    --arg samples "$(awk '$2 == "sample" {print $1}' "$work/test.stats")" \
    --arg logs "$(awk '$2 == "log" {print $1}' "$work/test.stats")" \
    --arg spans "$(awk '$2 == "span" {print $1}' "$work/test.stats")" \
    --arg mb "$(wc -c < "$work/test.tar.zst")" \
    --argjson nsvc "$(jq '.services | length' "$scen")" --argjson days "$(jq .days "$scen")" '
  def r(x): if x == null then "-" else (x * 100 | round / 100 | tostring) end;
  def r3(x): if x == null then "-" else (x * 1000 | round / 1000 | tostring) end;
  def mb(k): (k / 1024 * 10 | round / 10 | tostring);
  # b / a with 2 significant digits
  def ratio(a; b): if a == null or b == null or a == 0 or b == 0 then "-"
    else (b / a) as $q | (pow(10; 1 - ($q | log10 | floor))) as $m | (($q * $m | round) / $m | tostring) + "x" end;
  ($times | split("\n") | map(select(length > 0) | split(" ")) |
     map({key: .[0], value: {wall: (.[1] | tonumber), cpu: ((.[2] | tonumber) + (.[3] | tonumber)),
                             rss: (.[4] | tonumber)}}) | from_entries) as $t |
  ($ps[0] | map({key: .stage, value: .}) | from_entries) as $s |
  [["read the archive", "replay", "load"], ["detect", "fit", "detect"], ["group", "cluster", "cluster"],
   ["root cause", "rca", "rca"], ["predict: score (in the pipe, passing the stream on)", "predict", "predict"], ["write the records", null, "write"]] as $rows |
  ($t.pipe // {cpu: ($t.replay.cpu + $t.predict.cpu + $t.fit.cpu + $t.cluster.cpu + $t.rca.cpu),
              wall: ($t.replay.wall + $t.predict.wall + $t.fit.wall + $t.cluster.wall + $t.rca.wall),
              staged: true}) as $pipe |
  ($pipe.cpu + $t.train.cpu) as $ocpu |
  ([$t.replay.rss + $t.predict.rss + $t.fit.rss + $t.cluster.rss + $t.rca.rss, $t.train.rss] | max) as $orss |
  ($t["py-train"].cpu + $t["py-run"].cpu) as $pcpu |
  ([$t["py-train"].rss, $t["py-run"].rss] | max) as $prss |
  "### e2e \($size): \($nsvc) services, \($days) days (\($scen))",
  "",
  "Test archive: \($samples) samples, \($logs) log lines, \($spans) spans, \(($mb | tonumber) / 1e6 * 10 | round / 10) MB .tar.zst; a training archive of the same size (seed + 1000) for the predictors.",
  "",
  "| stage | ours CPU s | ours peak RSS MB | Python CPU s | Python peak RSS MB | CPU: Python / ours | RSS: Python / ours |",
  "|---|---|---|---|---|---|---|",
  ($rows[] | . as $x |
     (if $x[1] then $t[$x[1]] else null end) as $o | $s[$x[2]] as $p |
     "| \($x[0]) | \(if $o then r($o.cpu) else "(in each stage)" end) | \(if $o then mb($o.rss) else "-" end) | \(r($p.cpu)) | \(mb($p.maxrss_kb)) (high-water) | \(if $o then ratio($o.cpu; $p.cpu) else "-" end) | \(if $o then ratio($o.rss; $p.maxrss_kb) else "-" end) |"),
  "| predict: train (training archive) | \(r($t.train.cpu)) | \(mb($t.train.rss)) | \(r($t["py-train"].cpu)) | \(mb($t["py-train"].rss)) | \(ratio($t.train.cpu; $t["py-train"].cpu)) | \(ratio($t.train.rss; $t["py-train"].rss)) |",
  "| **end to end** (ours: \(if $pipe.staged then "the stages" else "the pipe" end) + train) | **\(r($ocpu))** | **\(mb($orss))** | **\(r($pcpu))** | **\(mb($prss))** | **\(ratio($ocpu; $pcpu))** | **\(ratio($orss; $prss))** |",
  "| wall s, end to end (shared machine) | \(r($pipe.wall + $t.train.wall)) | | \(r($t["py-train"].wall + $t["py-run"].wall)) | | \(ratio($pipe.wall + $t.train.wall; $t["py-train"].wall + $t["py-run"].wall)) | |",
  "",
  "| quality (aiops-eval, same labels) | ours | Python | better |",
  "|---|---|---|---|",
  ($o[0] as $o | $p[0] as $p |
   [["detection F1 (event-wise)", $o.detection.event.f1, $p.detection.event.f1, 1],
    ["detection precision", $o.detection.event.precision, $p.detection.event.precision, 1],
    ["detection recall", $o.detection.event.recall, $p.detection.event.recall, 1],
    ["detection delay, median s", $o.detection.event.delay_median, $p.detection.event.delay_median, -1],
    ["detection delay, p90 s", $o.detection.event.delay_p90, $p.detection.event.delay_p90, -1],
    ["false alarms / day", $o.detection.event.false_per_day, $p.detection.event.false_per_day, -1],
    ["grouping ARI", $o.grouping.ours.ari, $p.grouping.ours.ari, 1],
    ["grouping noise reduction (alerts/groups)", $o.grouping.ours.noise_reduction, $p.grouping.ours.noise_reduction, 1],
    ["RCA AC@1", $o.rca.ac1, $p.rca.ac1, 1],
    ["RCA AC@3", $o.rca.ac3, $p.rca.ac3, 1],
    ["incidents warned ahead", $o.prediction.frac_warned, $p.prediction.frac_warned, 1],
    ["warning lead time, median s", $o.prediction.lead_median, $p.prediction.lead_median, 1],
    ["warning precision", $o.prediction.precision, $p.prediction.precision, 1],
    ["false warnings / day", $o.prediction.false_per_day, $p.prediction.false_per_day, -1]][] |
   . as [$name, $a, $b, $dir] |
   "| \($name) | \(r3($a)) | \(r3($b)) | \(if $a == null or $b == null then "-" elif $a == $b then "equal"
       elif (($a - $b) * $dir) > 0 then "ours" else "**Python**" end) |"),
  "",
  "e2e \($size): CPU ours \(r($ocpu)) s, Python \(r($pcpu)) s (\(ratio($ocpu; $pcpu))); peak RSS ours \(mb($orss)) MB, Python \(mb($prss)) MB (\(ratio($orss; $prss))); F1 \(r3($o[0].detection.event.f1))/\(r3($p[0].detection.event.f1)), ARI \(r3($o[0].grouping.ours.ari))/\(r3($p[0].grouping.ours.ari)), AC@1 \(r3($o[0].rca.ac1))/\(r3($p[0].rca.ac1))"
'
