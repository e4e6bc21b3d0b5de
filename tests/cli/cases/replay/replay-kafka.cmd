aiops-replay tests/fixtures/kafka/bus.jsonl
