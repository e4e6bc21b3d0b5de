aiops-replay tests/fixtures/pagerduty/incidents.csv tests/fixtures/pagerduty/incidents.json tests/fixtures/pagerduty/alerts.json
