aiops-replay tests/fixtures/k8s-events/vendor-watch.jsonl
