aiops-replay -I table --map type=alert,message=name tests/fixtures/table/alerts.csv
