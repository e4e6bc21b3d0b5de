aiops-replay tests/fixtures/loki/bad-utf8-label.jsonl
