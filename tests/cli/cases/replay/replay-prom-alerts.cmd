aiops-replay tests/fixtures/prom-alerts/alerts.json tests/fixtures/prom-alerts/polls.ndjson
