#!/bin/sh
# run.sh BINDIR [--regen] [CASE...] - CLI tests.
#
# Two kinds of case live in tests/cli/cases/TOOL/ (common/ for all tools):
#   NAME.cmd  one shell command line, run from the repository root with the
#             tools of BINDIR first on PATH.  Its stdout must equal NAME.out,
#             its exit status NAME.rc (0 when absent) and, when NAME.err
#             exists, its stderr must equal NAME.err.
#   NAME.sh   a script run the same way (with $BIN = BINDIR); exit 0 = pass.
# --regen (or REGEN=1) rewrites NAME.out/.rc/.err from what the tools print
# now: review the diff before committing it.
set -u
bin=$(cd "${1:?usage: run.sh BINDIR [--regen] [CASE...]}" && pwd)
shift
regen=${REGEN:-0}
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=$(mktemp -d /tmp/aiops-cli.XXXXXX)
trap 'rm -rf "$out"' EXIT
# VALGRIND="valgrind OPTION...": every tool runs under it (wrappers first on
# PATH and as $BIN); a case fails when a run reports an error in its log.
if [ -n "${VALGRIND:-}" ]; then
    mkdir -p "$out/vg"
    for t in "$bin"/aiops-*; do
        printf '#!/bin/sh\nexec %s --log-file=%s/vg/log.%%p %s "$@"\n' "$VALGRIND" "$out" "$t" >"$out/vg/${t##*/}"
        chmod +x "$out/vg/${t##*/}"
    done
    bin=$out/vg
fi
export PATH="$bin:$PATH" BIN="$bin" LC_ALL=C TZ=UTC
pass=0 fail=0 failed=""
cases=${*:-$(ls tests/cli/cases/*/*.cmd tests/cli/cases/*/*.sh 2>/dev/null)}
for c in $cases; do
    case $c in */*) ;; *) f=$(ls tests/cli/cases/*/"$c" 2>/dev/null | head -n 1); c=${f:-tests/cli/cases/$c} ;; esac
    name=${c%.*}
    base=$(basename "$name")
    ok=1
    if [ ! -f "$c" ]; then
        echo "FAIL $base: no such case $c"; fail=$((fail + 1)); failed="$failed $base"; continue
    fi
    if [ "${c##*.}" = sh ]; then
        sh "$c" >"$out/$base.out" 2>&1 || ok=0
    else
        sh -c "$(cat "$c")" >"$out/$base.out" 2>"$out/$base.err" </dev/null
        rc=$?
        if [ "$regen" = 1 ]; then
            cp "$out/$base.out" "$name.out"
            if [ "$rc" -ne 0 ]; then echo "$rc" >"$name.rc"; else rm -f "$name.rc"; fi
            if [ -s "$out/$base.err" ] || [ -f "$name.err" ]; then cp "$out/$base.err" "$name.err"; fi
        fi
        want_rc=0
        [ -f "$name.rc" ] && want_rc=$(cat "$name.rc")
        if [ "$rc" != "$want_rc" ]; then
            echo "FAIL $base: exit status $rc, expected $want_rc"; ok=0
        fi
        if ! cmp -s "$out/$base.out" "$name.out"; then
            echo "FAIL $base: stdout differs:"; diff "$name.out" "$out/$base.out" | head -20; ok=0
        fi
        if [ -f "$name.err" ] && ! cmp -s "$out/$base.err" "$name.err"; then
            echo "FAIL $base: stderr differs:"; diff "$name.err" "$out/$base.err" | head -20; ok=0
        fi
    fi
    if [ -n "${VALGRIND:-}" ]; then
        if grep -l 'ERROR SUMMARY: [1-9]' "$out"/vg/log.* >/dev/null 2>&1; then
            echo "FAIL $base: valgrind:"
            grep -h -E 'Invalid|uninitialised|definitely lost|Mismatched|overlap|  (at|by) 0x' "$out"/vg/log.* | head -30; ok=0
        fi
        rm -f "$out"/vg/log.*
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        [ "${c##*.}" = sh ] && { echo "FAIL $base:"; tail -20 "$out/$base.out"; }
        fail=$((fail + 1)); failed="$failed $base"
    fi
done
echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failing:$failed"; exit 1; }
