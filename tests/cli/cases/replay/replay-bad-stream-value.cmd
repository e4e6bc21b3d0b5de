aiops-replay tests/fixtures/stream/bad-value.ndjson
