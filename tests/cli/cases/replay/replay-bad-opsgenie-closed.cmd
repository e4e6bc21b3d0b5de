aiops-replay tests/fixtures/opsgenie/bad-closed.json
