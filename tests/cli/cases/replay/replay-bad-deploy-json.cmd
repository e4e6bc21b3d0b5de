aiops-replay tests/fixtures/deploy/bad-json.jsonl
