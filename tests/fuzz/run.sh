#!/bin/sh
# run.sh SECONDS HARNESS...   replay each harness's regression inputs, then
#                             fuzz it for SECONDS seconds
# run.sh --merge HARNESS...   fold the last runs' finds into the kept corpus
#
# HARNESS is a built harness (build/fuzz/NAME).  Inputs:
#   tests/fuzz/regressions/NAME/  inputs that once failed: each must pass, every run
#                                 (fuzz_formats: also the files of tests/fuzz/regressions/)
#   tests/fuzz/corpus/NAME/       the kept, minimised corpus (make fuzz-merge: the
#                                 inputs of up to 8 KiB that add coverage beyond the seeds)
#   build/fuzz/seeds/NAME/        made from the fixtures by tests/fuzz/seeds.sh
# New inputs go to build/fuzz/work/NAME/; a failing input is written to
# build/fuzz/crashes/NAME-*: add it to tests/fuzz/regressions/NAME/ with the fix.
# FUZZ_FORK=1: libFuzzer's fork mode, going on after a crash, timeout or
# out-of-memory (each is written to build/fuzz/crashes/) for long runs.
# SEEDS_READY=1: build/fuzz/seeds is already made (parallel runs).
# FUZZ_JOBS=N: how many harnesses fuzz at once (default 2).
# Exit 1 when a regression input or the fuzzing fails.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
merge=0
if [ "${1:-}" = --merge ]; then merge=1; shift; else secs=${1:?usage: run.sh SECONDS|--merge HARNESS...}; shift; fi
[ "${SEEDS_READY:-0}" = 1 ] || tests/fuzz/seeds.sh build/fuzz/seeds >/dev/null || exit 2
# FUZZ_JOBS=N (default 2, the cores CI has): the harnesses are shared out
# round robin to N runs at once, so CI's 20 s per harness costs half the wall
# time; each run still fuzzes its harnesses one after the other, one core each.
jobs=${FUZZ_JOBS:-2}
if [ $merge = 0 ] && [ "$jobs" -gt 1 ] && [ $# -gt 1 ]; then
    pids="" j=0
    while [ $j -lt "$jobs" ]; do
        set_j="" i=0
        for h in "$@"; do
            [ $((i % jobs)) = $j ] && set_j="$set_j $h"
            i=$((i + 1))
        done
        if [ -n "$set_j" ]; then
            FUZZ_JOBS=1 SEEDS_READY=1 "$0" "$secs" $set_j &
            pids="$pids $!"
        fi
        j=$((j + 1))
    done
    rc=0
    for p in $pids; do wait "$p" || rc=1; done
    exit $rc
fi
mkdir -p build/fuzz/crashes
tmp=$(mktemp -d "$root/build/fuzz/tmp.XXXXXX") || exit 2
export TMPDIR="$tmp"
# leaks count; UBSan stops at the first report (built -fno-sanitize-recover)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export OPENBLAS_NUM_THREADS=1   # one thread per run: the fuzzer measures time per input
fail=""
for h in "$@"; do
    name=$(basename "$h")
    corpus=tests/fuzz/corpus/$name work=build/fuzz/work/$name
    mkdir -p "$corpus" "$work"
    case $name in
        fuzz_formats|fuzz_cluster|fuzz_rca|fuzz_summarize|fuzz_report|fuzz_predict|fuzz_eval|fuzz_fit)
            maxlen=131072 ;;
        fuzz_scenario|fuzz_graph) maxlen=16384 ;;
        *) maxlen=4096 ;;
    esac
    if [ $merge = 1 ]; then
        # kept: what the last runs found beyond the seeds, files up to 8 KiB
        base=build/fuzz/merge.$name
        rm -rf "$base" "$corpus.new" && mkdir -p "$base" "$corpus.new"
        cp build/fuzz/seeds/"$name"/* "$base"/ 2>/dev/null
        "$h" -merge=1 -max_len=$maxlen -timeout=60 -rss_limit_mb=2048 "$base" "$corpus" "$work" \
            >build/fuzz/"$name".merge.log 2>&1 ||
            { echo "fuzz: $name: merge failed (build/fuzz/$name.merge.log)"; fail="$fail $name"; continue; }
        for f in "$base"/*; do
            [ -e build/fuzz/seeds/"$name"/"${f##*/}" ] || [ "$(wc -c <"$f")" -gt 8192 ] || mv "$f" "$corpus.new"/
        done
        rm -rf "$corpus" "$base" && mv "$corpus.new" "$corpus"
        echo "fuzz: $name: corpus $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
        continue
    fi
    reg=$(find tests/fuzz/regressions/"$name" -type f 2>/dev/null | sort)
    [ "$name" = fuzz_formats ] && reg="$reg $(find tests/fuzz/regressions -maxdepth 1 -type f | sort)"
    if [ -n "$(echo $reg)" ]; then
        if ! "$h" -timeout=60 -rss_limit_mb=2048 $reg >build/fuzz/"$name".reg.log 2>&1; then
            echo "fuzz: $name: a regression input fails again (build/fuzz/$name.reg.log)"
            tail -30 build/fuzz/"$name".reg.log
            fail="$fail $name"
            continue
        fi
    fi
    fork=""
    [ "${FUZZ_FORK:-0}" = 1 ] && fork="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    "$h" $fork -max_total_time="$secs" -max_len=$maxlen -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=build/fuzz/crashes/"$name"- "$work" "$corpus" build/fuzz/seeds/"$name" \
        >build/fuzz/"$name".log 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/"$name".log)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' build/fuzz/"$name".log)
    if [ -z "$execs" ]; then   # fork mode: the last status line "#N: cov: ... exec/s: R ..."
        last=$(grep -a '^#[0-9]*: cov:' build/fuzz/"$name".log | tail -1)
        execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
        rate=$(echo "$last" | sed -n 's/.*exec\/s:* \([0-9]*\).*/\1/p')
    fi
    cov=$(grep -ao 'cov: [0-9]*' build/fuzz/"$name".log | tail -1)
    echo "fuzz: $name: ${secs}s, ${execs:-?} execs (${rate:-?}/s), $cov, $(echo $reg | wc -w) regression inputs"
    if [ $rc != 0 ]; then
        echo "fuzz: $name: FAILED (build/fuzz/$name.log):"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' build/fuzz/"$name".log | head -10
        fail="$fail $name"
    fi
done
rm -rf "$tmp"
[ -z "$fail" ] || { echo "fuzz: failed:$fail"; exit 1; }
