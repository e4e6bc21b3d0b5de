aiops-report --format grafana --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
