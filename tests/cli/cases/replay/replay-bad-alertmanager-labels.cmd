aiops-replay tests/fixtures/alertmanager/bad-labels.json
