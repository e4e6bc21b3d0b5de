aiops-replay tests/fixtures/zipkin/spans.json tests/fixtures/zipkin/traces.json
