aiops-replay tests/fixtures/stream/bad-no-ts.ndjson
