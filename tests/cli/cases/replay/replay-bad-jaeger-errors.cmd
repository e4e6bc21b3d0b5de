aiops-replay tests/fixtures/jaeger/bad-errors.json
