aiops-replay tests/fixtures/stream/bad-label.ndjson
