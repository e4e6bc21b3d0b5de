aiops-replay tests/fixtures/csv/bad-fields.csv
