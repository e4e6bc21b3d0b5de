aiops-replay tests/fixtures/clickhouse/bad-json.jsonl
