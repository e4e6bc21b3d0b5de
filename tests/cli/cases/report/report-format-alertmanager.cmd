aiops-report --format alertmanager --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
