aiops-replay tests/fixtures/pagerduty/bad-log-entry.json
