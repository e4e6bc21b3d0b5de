aiops-replay tests/fixtures/jaeger/bad-process.json
