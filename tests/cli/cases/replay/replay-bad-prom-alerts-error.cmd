aiops-replay -I prom-alerts tests/fixtures/prom-alerts/bad-error.json
