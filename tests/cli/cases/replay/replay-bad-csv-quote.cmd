aiops-replay tests/fixtures/csv/bad-quote.csv
