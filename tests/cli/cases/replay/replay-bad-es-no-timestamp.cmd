aiops-replay tests/fixtures/es/bad-no-timestamp.ndjson
