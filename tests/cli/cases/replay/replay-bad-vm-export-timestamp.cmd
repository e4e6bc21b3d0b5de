aiops-replay tests/fixtures/vm-export/bad-timestamp.jsonl
