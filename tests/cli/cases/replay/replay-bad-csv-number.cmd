aiops-replay tests/fixtures/csv/bad-number.csv
