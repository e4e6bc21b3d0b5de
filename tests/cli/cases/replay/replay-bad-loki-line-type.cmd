aiops-replay tests/fixtures/loki/bad-line-type.jsonl
