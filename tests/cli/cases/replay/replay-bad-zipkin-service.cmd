aiops-replay tests/fixtures/zipkin/bad-service.json
