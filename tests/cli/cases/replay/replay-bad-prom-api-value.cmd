aiops-replay tests/fixtures/prom-api/bad-value.json
