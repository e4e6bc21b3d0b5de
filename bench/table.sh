#!/bin/sh
# bench/table.sh - the generic table reader (aiops-replay -I table) against
# pandas.read_csv (bench/table_pandas.py: read, make the same records, sort
# by time, write NDJSON) and jq -R (split each line, build the record; no
# sort: jq cannot sort a stream without holding it), measured side by side
# in one run on the same files, output to /dev/null.
#
# Inputs:
#   simple  ROWS (default 1,000,000) rows of "ts,name,value", 10 series,
#           generated here with awk
#   ait     ../shared/datasets/ait-alert-dataset/alerts_csv/
#           russellmitchell_alerts.txt (45,544 alerts) -> alert records
#   nezha   all 47 metric CSVs of ../shared/datasets/nezha-trainticket
#           (2023-01-30: 46 per-pod files in one aiops-replay run,
#           front_service.csv with its ServiceName in a second) -> wide
#           samples (jq: not run, wide tables need a per-header program)
# Each command runs REPS times (default 3); the best wall-clock time and the
# CPU time (user + sys) of that run are reported, with rows/s by wall clock.
# Prints a Markdown table on stdout.  Needs python3-pandas (installed here
# when running as root) and jq.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${ROWS:-1000000}
reps=${REPS:-3}
replay=${AIOPS_REPLAY:-$root/bin/aiops-replay}
py=/usr/bin/python3
work=${BENCH_DIR:-/tmp/aiops-bench-table}
ds=${DATASETS:-$root/../shared/datasets}
ait=$ds/ait-alert-dataset/alerts_csv/russellmitchell_alerts.txt
nezha=$ds/nezha-trainticket/rca_data/2023-01-30/metric
if [ ! -x "$replay" ]; then
    echo "build first: make" >&2
    exit 2
fi
if ! $py -c 'import pandas' 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas >/dev/null
    else
        echo "bench/table.sh: needs python3-pandas (apt-get install python3-pandas)" >&2
        exit 2
    fi
fi
mkdir -p "$work"
awk -v n="$rows" 'BEGIN { print "ts,name,value"; srand(1)
    for (i = 0; i < n; i++) printf "%d,m%d,%.3f\n", 1700000000 + i, i % 10, rand() }' >"$work/simple.csv"

# best NAME ROWS CMD...: run CMD reps times, print "NAME|ROWS|wall|cpu|rows/s"
best() {
    name=$1 nrows=$2
    shift 2
    bw= bc=
    i=0
    while [ $i -lt "$reps" ]; do
        /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
            cat "$work/err" >&2; exit 1; }
        set -- "$@"
        read -r w u s <"$work/t"
        c=$(echo "$u + $s" | bc)
        if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc)" = 1 ]; then bw=$w bc=$c; fi
        i=$((i + 1))
    done
    rate=$(echo "$nrows / ($bw + 0.0001)" | bc)
    echo "$name|$nrows|$bw|$bc|$rate"
}

jq_simple='split(",") | {type:"sample", ts:(.[0]|tonumber), name:.[1], labels:{}, value:(.[2]|tonumber)}'
jq_ait='split(",") | {type:"alert", ts:(.[0]|tonumber), name:.[1], state:"firing", service:.[3],
        labels:{ip:.[2], short:.[4], time_label:.[5], event_label:.[6]}}'
ait_map='type=alert,ts=time,name=name,service=host,labels=ip+short,annotations=time_label+event_label'
nezha_map='ts=TimeStamp,service=PodName:pod,ignore=Time'
front_map='ts=TimeStamp,service=ServiceName,ignore=Time'

{
    best "simple: aiops-replay -I table" "$rows" "$replay" -I table "$work/simple.csv"
    best "simple: pandas read_csv" "$rows" $py "$root/bench/table_pandas.py" simple "$work/simple.csv"
    best "simple: jq -R" "$rows" sh -c "tail -n +2 $work/simple.csv | jq -cR '$jq_simple'"
    if [ -f "$ait" ]; then
        n=$(($(wc -l <"$ait") - 1))
        best "ait: aiops-replay -I table" "$n" "$replay" -I table --map "$ait_map" "$ait"
        best "ait: pandas read_csv" "$n" $py "$root/bench/table_pandas.py" ait "$ait"
        best "ait: jq -R" "$n" sh -c "tail -n +2 $ait | jq -cR '$jq_ait'"
    fi
    if [ -d "$nezha" ]; then
        n=$(cat "$nezha"/*.csv | grep -vc '^Time,')
        best "nezha metrics: aiops-replay -I table" "$n" sh -c "$replay -I table --map '$nezha_map' $nezha/*_metric.csv; $replay -I table --map '$front_map' $nezha/front_service.csv"
        best "nezha metrics: pandas read_csv" "$n" sh -c "$py $root/bench/table_pandas.py nezha $nezha/*.csv"
    fi
} >"$work/results"
echo "| input: reader | rows | wall s (best of $reps) | CPU s | rows/s (wall) |"
echo "|---|---:|---:|---:|---:|"
sed 's/|/ | /g; s/^/| /; s/$/ |/' "$work/results"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
