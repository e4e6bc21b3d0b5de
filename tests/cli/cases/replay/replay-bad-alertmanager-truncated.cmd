aiops-replay tests/fixtures/alertmanager/bad-truncated.json
