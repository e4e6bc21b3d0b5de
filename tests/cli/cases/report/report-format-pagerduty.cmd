aiops-report --format pagerduty --groups tests/fixtures/report/groups.json tests/fixtures/report/incident.ndjson
