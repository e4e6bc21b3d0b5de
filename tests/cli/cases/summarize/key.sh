#!/bin/sh
# key.sh - the API key never appears in stdout, stderr, --dry-run output
# (with -v headers) or any file written: successful calls, every error
# path (including a server that echoes the key in its error message),
# --key-file, and the refusal of a key file others can read.
set -u
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
. tests/llm/lib.sh
out=$t/written; mkdir -p "$out"
export ANTHROPIC_API_KEY=$KEY

start ok
run ok --endpoint "$url" -v -o "$out/ok.ndjson" "$in"
run md --endpoint "$url" -v --markdown -o "$out/ok.md" "$in"
[ "$(rc ok)" = 0 ] && [ "$(rc md)" = 0 ] || fail "ok: $(rc ok) $(rc md)"
run dry --dry-run -v "$in"
[ "$(rc dry)" = 0 ] || fail "dry run: exit $(rc dry)"
grep -q '^x-api-key: <redacted>$' "$t/dry.err" || fail "dry run: no redacted key header: $(cat "$t/dry.err")"
jq -e '.messages[0].content | startswith("Incident INC-1")' "$t/dry.out" >/dev/null || fail "dry run body"
[ "$(requests)" = 2 ] || fail "dry run sent a request"
# the key from a 0600 file; a 0644 one is refused without printing it
printf '%s\n' "$KEY" >"$t/key"; chmod 600 "$t/key"
ANTHROPIC_API_KEY= run kf --endpoint "$url" --key-file "$t/key" -o "$out/kf.ndjson" "$in"
[ "$(rc kf)" = 0 ] || fail "key file: exit $(rc kf)"
chmod 644 "$t/key"
ANTHROPIC_API_KEY= run kf644 --endpoint "$url" --key-file "$t/key" "$in"
[ "$(rc kf644)" = 2 ] && grep -q "mode 644 lets others read the key" "$t/kf644.err" || fail "0644 key file accepted"
chmod 640 "$t/key"
ANTHROPIC_API_KEY= run kf640 --endpoint "$url" --key-file "$t/key" "$in"
[ "$(rc kf640)" = 2 ] && grep -q "mode 640 lets others read the key; chmod 600 it" "$t/kf640.err" || fail "0640 key file accepted"
stop
for m in 401 500 slow malformed; do
    start $m
    run e$m --endpoint "$url" -v --retries 1 --timeout 1s -o "$out/e$m.ndjson" "$in"
    [ "$(rc e$m)" = 2 ] || fail "$m: exit $(rc e$m)"
    stop
done
# a hostile gateway that echoes the key in its error message
cat >"$t/echo.py" <<'PY'
import os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = ('{"error":{"message":"bad key %s"}}' % self.headers.get("x-api-key")).encode()
        self.send_response(403); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
s = HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
rm -f "$t/port"; python3 "$t/echo.py" "$t/port" & pid=$!
while [ ! -s "$t/port" ]; do sleep 0.05; done
run echo --endpoint "http://127.0.0.1:$(cat "$t/port")" -v "$in"
stop
[ "$(rc echo)" = 2 ] && grep -q "HTTP 403: bad key <redacted>" "$t/echo.err" || fail "echo: $(cat "$t/echo.err")"

# nothing anywhere holds the key
n=$(ls "$t"/*.out "$t"/*.err "$out"/* | wc -l)
[ "$n" -ge 20 ] || fail "only $n outputs checked"
if grep -l -F -e "$KEY" "$t"/*.out "$t"/*.err "$out"/* 2>/dev/null; then fail "the key leaked"; fi
echo ok
