aiops-replay tests/fixtures/loki/bad-truncated.json
