aiops-replay tests/fixtures/pagerduty/log_entries.json
