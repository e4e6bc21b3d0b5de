aiops-replay tests/fixtures/es/bad-error.json
