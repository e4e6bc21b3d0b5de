#!/usr/bin/env python3
"""server.py PORTFILE MODE LOG - a canned LLM API on 127.0.0.1 for the
aiops-summarize tests.

It checks each request's shape and headers (path, content-type, the key
header from $TEST_KEY, anthropic-version; the body's model, max_tokens,
system prompt and user message) and answers by MODE:
  ok          200 with a canned answer
  429         429 with retry-after: 1 first, then 200
  500 / 529   that status every time
  401         401 with an API error body
  malformed   200 with a body that is not JSON
  slow        waits 3 s, then 200 (past a 1 s client timeout)
A request that fails a check gets 400 {"error":{"message":"test server: ..."}}.
MODE with an "openai-" prefix expects the chat completions shape instead of
the Messages API.  The chosen port goes to PORTFILE; each request is logged
to LOG as "<monotonic seconds> <path> <status> <check>"."""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORTFILE, MODE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
OPENAI = MODE.startswith("openai-")
KIND = MODE[len("openai-"):] if OPENAI else MODE
KEY = os.environ.get("TEST_KEY", "")
count = 0


def check(h, body):
    want_path = "/v1/chat/completions" if OPENAI else "/v1/messages"
    if h.path != want_path:
        return f"path {h.path}, expected {want_path}"
    if (h.headers.get("content-type") or "") != "application/json":
        return "content-type is not application/json"
    if OPENAI:
        if KEY and h.headers.get("authorization") != "Bearer " + KEY:
            return "authorization header is not Bearer <key>"
    else:
        if h.headers.get("x-api-key") != KEY:
            return "x-api-key is not the key"
        if h.headers.get("anthropic-version") != "2023-06-01":
            return "anthropic-version is not 2023-06-01"
    try:
        req = json.loads(body)
    except ValueError:
        return "body is not JSON"
    if not isinstance(req.get("model"), str) or not isinstance(req.get("max_tokens"), int):
        return "model or max_tokens missing"
    msgs = req.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return "messages missing"
    if OPENAI:
        if msgs[0].get("role") != "system" or "system" in req:
            return "the system prompt is not messages[0]"
    elif not isinstance(req.get("system"), str) or any(m.get("role") == "system" for m in msgs):
        return "the system prompt is not the top-level system field"
    user = msgs[-1]
    if user.get("role") != "user" or "Incident " not in user.get("content", ""):
        return "the last message is not the user's incident context"
    return "ok"


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, obj=None, raw=None, headers=()):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        global count
        count += 1
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n)
        what = check(self, body)
        status = 200
        if what != "ok":
            status = 400
        elif KIND in ("500", "529", "401"):
            status = int(KIND)
        elif KIND == "429" and count == 1:
            status = 429
        with open(LOG, "a") as f:
            f.write(f"{time.monotonic():.3f} {self.path} {status} {what}\n")
        if status == 400:
            return self.answer(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                                 "message": "test server: " + what}})
        if status == 429:
            return self.answer(429, {"type": "error", "error": {"type": "rate_limit_error",
                                                                "message": "slow down"}},
                               headers=[("retry-after", "1")])
        if status == 500:
            return self.answer(500, {"type": "error", "error": {"type": "api_error",
                                                                "message": "internal"}})
        if status == 529:
            return self.answer(529, {"type": "error", "error": {"type": "overloaded_error",
                                                                "message": "Overloaded"}})
        if status == 401:
            return self.answer(401, {"type": "error", "error": {"type": "authentication_error",
                                                                "message": "invalid x-api-key"}})
        if KIND == "malformed":
            return self.answer(200, raw=b'{"content": [ this is not json')
        if KIND == "slow":
            time.sleep(3)
        if OPENAI:
            obj = {"id": "chatcmpl-1", "object": "chat.completion",
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant",
                                            "content": "Canned OpenAI-shape summary."}}]}
        else:
            obj = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                   "content": [{"type": "text", "text": "Canned summary: "},
                               {"type": "text", "text": "the cart deploy broke the db pool."}],
                   "stop_reason": "end_turn"}
        try:
            self.answer(200, obj)
        except (BrokenPipeError, ConnectionResetError):
            pass


srv = HTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
