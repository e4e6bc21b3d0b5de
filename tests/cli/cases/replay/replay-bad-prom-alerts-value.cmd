aiops-replay tests/fixtures/prom-alerts/bad-value.json
