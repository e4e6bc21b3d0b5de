aiops-replay tests/fixtures/k8s-events/list.json tests/fixtures/k8s-events/watch.json tests/fixtures/k8s-events/watch-events.jsonl
