#!/bin/sh
# run-unit.sh BIN... - run cmocka test executables and total their cases.
pass=0 fail=0 failed=""
for t in "$@"; do
    "$t" >"$t.log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$t.log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$t.log" | tail -n 1)
    pass=$((pass + ${p:-0}))
    if [ "$rc" -ne 0 ]; then
        fail=$((fail + ${f:-1}))
        failed="$failed $t"
        cat "$t.log"
    fi
done
echo "unit: $pass passed, $fail failed"
[ -z "$failed" ] || { echo "failing:$failed"; exit 1; }
