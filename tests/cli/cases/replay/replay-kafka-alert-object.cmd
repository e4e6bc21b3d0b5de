aiops-replay tests/fixtures/kafka/alerts.jsonl
