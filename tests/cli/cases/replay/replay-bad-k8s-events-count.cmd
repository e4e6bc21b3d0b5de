aiops-replay tests/fixtures/k8s-events/bad-count.json
