aiops-report --format opsgenie --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
