aiops-replay tests/fixtures/prom-api/bad-error-status.json
