aiops-replay tests/fixtures/loki/bad-timestamp.jsonl
