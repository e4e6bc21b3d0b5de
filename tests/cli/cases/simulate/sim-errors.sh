#!/bin/sh
# aiops-simulate: usage and scenario errors (FILE:LINE: expected ...).
set -u
t=$(mktemp -d /tmp/sim-err.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-errors: $*"; exit 1; }
sim="$BIN/aiops-simulate"
"$sim" --help | grep -q '^Usage: aiops-simulate' || fail "--help"
"$sim" --version | grep -q '^aiops-simulate ' || fail "--version"
"$sim" scenarios/quiet.json 2>"$t/e"; [ $? -eq 2 ] || fail "no -o and no --stream should exit 2"
grep -q 'needs -o FILE' "$t/e" || fail "no -o: unhelpful message: $(cat "$t/e")"
"$sim" --days 0 scenarios/quiet.json --stream 2>/dev/null; [ $? -eq 2 ] || fail "--days 0"
"$sim" --step 5x scenarios/quiet.json --stream 2>/dev/null; [ $? -eq 2 ] || fail "--step 5x"
printf '{"services": [\n  {"name": "a", "calls": ["b"]},\n  {"name": "b", "latency": {"p50": "fast"}}\n]}\n' \
    >"$t/bad.json"
"$sim" "$t/bad.json" --stream >/dev/null 2>"$t/e"; [ $? -eq 2 ] || fail "bad scenario should exit 2"
grep -q "^aiops-simulate: $t/bad.json:3: services\[1\].latency.p50: expected a number" "$t/e" ||
    fail "bad scenario: expected FILE:3: services[1].latency.p50: ..., got: $(cat "$t/e")"
printf '{"services": [{"name": "a"}],\n "faults": [{"kind": "memory_leak", "service": "a",\n "at": "1h", "precursor": "5m", "duration": "2h"}]}\n' \
    >"$t/pre.json"
"$sim" "$t/pre.json" --stream >/dev/null 2>"$t/e"; [ $? -eq 2 ] || fail "short precursor accepted"
grep -q ":3: faults\[0\].precursor: expected 30m to 2h" "$t/e" || fail "precursor: $(cat "$t/e")"
"$sim" "$t/missing.json" --stream 2>"$t/e"; [ $? -eq 2 ] || fail "missing file"
grep -q 'cannot open scenario' "$t/e" || fail "missing file: $(cat "$t/e")"
"$sim" scenarios/quiet.json -o /nonexistent/dir/a.tar.zst 2>"$t/e"; [ $? -eq 2 ] ||
    fail "unwritable output should exit 2"
grep -q "^aiops-simulate: /nonexistent/dir/a.tar.zst: cannot create: No such file or directory" "$t/e" ||
    fail "unwritable output: $(cat "$t/e")"
exit 0
