aiops-replay tests/fixtures/pagerduty/bad-status.json
