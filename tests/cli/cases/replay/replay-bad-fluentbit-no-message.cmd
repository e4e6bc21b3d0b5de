aiops-replay tests/fixtures/fluentbit/bad-no-message.jsonl
