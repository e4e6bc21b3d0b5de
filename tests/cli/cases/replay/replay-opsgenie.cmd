aiops-replay tests/fixtures/opsgenie/alerts.json
