aiops-replay tests/fixtures/otlp/bad-service.jsonl
