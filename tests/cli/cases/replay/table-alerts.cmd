aiops-replay -I table --map type=alert,service=host tests/fixtures/table/alerts.csv
