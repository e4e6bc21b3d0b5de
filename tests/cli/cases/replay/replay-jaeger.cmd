aiops-replay tests/fixtures/jaeger/traces.json
