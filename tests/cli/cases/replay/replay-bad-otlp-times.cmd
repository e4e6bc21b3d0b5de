aiops-replay tests/fixtures/otlp/bad-times.json
