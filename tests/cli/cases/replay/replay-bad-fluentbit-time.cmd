aiops-replay tests/fixtures/fluentbit/bad-time.jsonl
