aiops-replay tests/fixtures/jaeger/bad-start.json
