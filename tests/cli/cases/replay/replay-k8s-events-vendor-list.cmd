aiops-replay tests/fixtures/k8s-events/vendor-list.json
