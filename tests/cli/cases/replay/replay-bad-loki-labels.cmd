aiops-replay tests/fixtures/loki/bad-labels.json
