aiops-replay tests/fixtures/stream/bad-array.ndjson
