# lib.sh - helpers of the LLM cases in tests/cli/cases/summarize (sourced): the canned
# server of tests/llm/server.py on 127.0.0.1 and a runner.
KEY=sk-test-Zq9-SECRET-41f7
export TEST_KEY=$KEY
in=tests/cli/cases/summarize/incident.ndjson
t=$(mktemp -d /tmp/aiops-llm.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; for f in "$t"/*.err; do [ -s "$f" ] && { echo "== $f"; cat "$f"; }; done; exit 1; }
start() {   # MODE: serve it; $url is its base URL
    rm -f "$t/port" "$t/log"
    python3 tests/llm/server.py "$t/port" "$1" "$t/log" & pid=$!
    i=0
    while [ ! -s "$t/port" ]; do
        sleep 0.05; i=$((i + 1)); [ $i -lt 200 ] || fail "server did not start"
    done
    url=http://127.0.0.1:$(cat "$t/port")
}
stop() { kill $pid; wait $pid 2>/dev/null; pid=; }
run() {     # NAME ARGS...: $t/NAME.out .err .rc
    n=$1; shift
    "$BIN/aiops-summarize" --summaries-only "$@" >"$t/$n.out" 2>"$t/$n.err"
    echo $? >"$t/$n.rc"
}
rc() { cat "$t/$1.rc"; }
requests() { wc -l <"$t/log" | tr -d ' '; }
