aiops-replay tests/fixtures/es/bad-shards.json
