aiops-replay tests/fixtures/stream/mixed.ndjson
