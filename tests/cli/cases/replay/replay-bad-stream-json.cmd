aiops-replay tests/fixtures/stream/bad-json.ndjson
