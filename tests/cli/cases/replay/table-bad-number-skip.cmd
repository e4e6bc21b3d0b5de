aiops-replay -I table --skip-bad tests/fixtures/table/bad.csv
