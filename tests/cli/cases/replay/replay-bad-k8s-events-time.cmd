aiops-replay tests/fixtures/k8s-events/bad-time.json
