aiops-replay tests/fixtures/kafka/bad-envelope.jsonl
