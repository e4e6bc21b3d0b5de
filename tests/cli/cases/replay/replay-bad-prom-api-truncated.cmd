aiops-replay tests/fixtures/prom-api/bad-truncated.json
