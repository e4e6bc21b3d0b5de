aiops-replay tests/fixtures/vm-export/bad-value.jsonl
