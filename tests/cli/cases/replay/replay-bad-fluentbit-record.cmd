aiops-replay tests/fixtures/fluentbit/bad-record.jsonl
