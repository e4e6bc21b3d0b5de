aiops-report --format slack --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
