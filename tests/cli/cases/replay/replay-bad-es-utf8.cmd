aiops-replay tests/fixtures/es/bad-utf8.ndjson
