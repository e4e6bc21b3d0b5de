aiops-replay -m '{http_status_code=~"5\d\d"}' -m '{__name__=~"GET .*",service="frontend",error="false"}' tests/fixtures/jaeger/traces.json
