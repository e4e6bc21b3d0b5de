aiops-replay tests/fixtures/pagerduty/bad-quote.csv
