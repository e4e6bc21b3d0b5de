aiops-replay tests/fixtures/vm-export/bad-label.jsonl
