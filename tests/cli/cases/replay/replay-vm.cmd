aiops-replay -f tsv tests/fixtures/vm-export/export.jsonl
