aiops-report --format grafana tests/fixtures/report/bad.ndjson
