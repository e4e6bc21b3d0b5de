aiops-replay -I table tests/fixtures/table/bad.csv
