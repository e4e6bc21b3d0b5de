aiops-replay tests/fixtures/jaeger/bad-truncated.json
