aiops-replay tests/fixtures/vm-export/bad-json.jsonl
