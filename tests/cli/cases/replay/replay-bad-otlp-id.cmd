aiops-replay tests/fixtures/otlp/bad-id.json
