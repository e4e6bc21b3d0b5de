aiops-replay tests/fixtures/prom-api/bad-trailing.json
