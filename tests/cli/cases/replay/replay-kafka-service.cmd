aiops-replay --types log --service checkout tests/fixtures/kafka/bus.jsonl
