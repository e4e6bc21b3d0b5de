aiops-replay tests/fixtures/zipkin/bad-duration.json
