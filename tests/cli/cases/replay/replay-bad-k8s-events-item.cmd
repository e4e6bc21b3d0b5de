aiops-replay tests/fixtures/k8s-events/bad-item.json
