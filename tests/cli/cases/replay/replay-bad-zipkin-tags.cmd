aiops-replay tests/fixtures/zipkin/bad-tags.json
