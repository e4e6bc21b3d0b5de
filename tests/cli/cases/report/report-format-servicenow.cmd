aiops-report --format servicenow --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
