aiops-replay tests/fixtures/deploy/deploys.jsonl tests/fixtures/deploy/deploys.json
