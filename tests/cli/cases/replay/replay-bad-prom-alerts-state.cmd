aiops-replay tests/fixtures/prom-alerts/bad-state.json
