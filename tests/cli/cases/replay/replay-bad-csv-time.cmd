aiops-replay tests/fixtures/csv/bad-time.csv
