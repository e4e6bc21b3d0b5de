aiops-replay tests/fixtures/opsgenie/bad-priority.json
