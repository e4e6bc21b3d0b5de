aiops-replay tests/fixtures/deploy/bad-version.jsonl
