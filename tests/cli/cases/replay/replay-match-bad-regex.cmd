aiops-replay -m '{code=~"5\d(?=0)"}' tests/fixtures/jaeger/traces.json
