aiops-replay tests/fixtures/jaeger/bad-id.json
