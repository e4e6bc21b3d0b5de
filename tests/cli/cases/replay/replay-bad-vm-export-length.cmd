aiops-replay tests/fixtures/vm-export/bad-length.jsonl
