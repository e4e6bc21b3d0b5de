aiops-replay tests/fixtures/pagerduty/bad-fields.csv
