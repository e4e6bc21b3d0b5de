aiops-replay tests/fixtures/otlp/bad-attr.json
