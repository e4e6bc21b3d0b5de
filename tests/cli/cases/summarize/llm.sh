#!/bin/sh
# llm.sh - aiops-summarize against a canned Messages API and a canned
# OpenAI-compatible server (tests/llm/server.py, which checks the path,
# headers and body shape): 200, 429 then 200 honouring retry-after, 500
# and 529 with retries, 401 at once, malformed JSON, a slow answer past
# the timeout.
set -u
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
. tests/llm/lib.sh
export ANTHROPIC_API_KEY=$KEY OPENAI_API_KEY=$KEY

for p in anthropic openai; do
    pre=; args=
    [ $p = openai ] && { pre=openai-; args="--provider openai --model local-7b"; }

    start ${pre}ok
    run ok --endpoint "$url" $args -o "$t/$p.ndjson" "$in"
    [ "$(rc ok)" = 0 ] || fail "$p ok: exit $(rc ok)"
    [ "$(requests)" = 1 ] && grep -q ' 200 ok$' "$t/log" || fail "$p ok: $(cat "$t/log")"
    want="Canned summary: the cart deploy broke the db pool."; gen=llm:claude-sonnet-5
    [ $p = openai ] && { want="Canned OpenAI-shape summary."; gen=llm:local-7b; }
    [ "$(jq -r .text "$t/$p.ndjson")" = "$want" ] || fail "$p ok: text $(cat "$t/$p.ndjson")"
    [ "$(jq -r '[.type,.incident,.generator,.signature] | join(" ")' "$t/$p.ndjson")" = "summary INC-1 $gen bad_deploy" ] ||
        fail "$p ok: record $(cat "$t/$p.ndjson")"
    stop

    start ${pre}429
    run r429 --endpoint "$url" $args "$in"
    [ "$(rc r429)" = 0 ] && [ "$(requests)" = 2 ] || fail "$p 429: exit $(rc r429), $(cat "$t/log")"
    # the retry waited for retry-after: 1
    awk 'NR == 1 { a = $1; s1 = $3 } NR == 2 { exit !(s1 == 429 && $3 == 200 && $1 - a >= 0.9) }' "$t/log" ||
        fail "$p 429: retry-after not honoured: $(cat "$t/log")"
    stop

    for s in 500 529; do
        start $pre$s
        run r$s --endpoint "$url" $args --retries 1 "$in"
        [ "$(rc r$s)" = 2 ] && [ "$(requests)" = 2 ] || fail "$p $s: exit $(rc r$s), $(cat "$t/log")"
        grep -q "/v1/[a-z/]*: HTTP $s: .* (gave up after 2 attempts)" "$t/r$s.err" || fail "$p $s: $(cat "$t/r$s.err")"
        [ -s "$t/r$s.out" ] && fail "$p $s: wrote a summary anyway"
        stop
    done

    start ${pre}401
    run r401 --endpoint "$url" $args "$in"
    [ "$(rc r401)" = 2 ] && [ "$(requests)" = 1 ] || fail "$p 401: exit $(rc r401), $(cat "$t/log")"
    grep -q "HTTP 401: invalid x-api-key$" "$t/r401.err" || fail "$p 401: $(cat "$t/r401.err")"
    stop

    start ${pre}malformed
    run bad --endpoint "$url" $args "$in"
    [ "$(rc bad)" = 2 ] && [ "$(requests)" = 1 ] || fail "$p malformed: exit $(rc bad)"
    grep -q "the LLM's answer is not a JSON object" "$t/bad.err" || fail "$p malformed: $(cat "$t/bad.err")"
    stop

    start ${pre}slow
    run slow --endpoint "$url" $args --timeout 1s --retries 0 "$in"
    [ "$(rc slow)" = 2 ] || fail "$p slow: exit $(rc slow)"
    grep -q "Timeout was reached (gave up after 1 attempt)" "$t/slow.err" || fail "$p slow: $(cat "$t/slow.err")"
    stop
done

# a server that rejects the shape is a clear error too (here: wrong path)
start ok
run path --endpoint "$url/v2" "$in"
[ "$(rc path)" = 2 ] || fail "wrong path: exit $(rc path)"
grep -q "HTTP 404\|HTTP 400: test server: path" "$t/path.err" || fail "wrong path: $(cat "$t/path.err")"
stop
echo ok
