aiops-replay tests/fixtures/prom-api/bad-type.json
