aiops-replay tests/fixtures/deploy/bad-ts.jsonl
