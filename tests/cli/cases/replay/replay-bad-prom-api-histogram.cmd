aiops-replay tests/fixtures/prom-api/bad-histogram.json
