aiops-replay tests/fixtures/nope.csv
