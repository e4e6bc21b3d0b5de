aiops-replay tests/fixtures/kafka/bad-payload.jsonl
