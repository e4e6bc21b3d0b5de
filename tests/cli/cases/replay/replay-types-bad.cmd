aiops-replay -t event,future_type tests/fixtures/stream/mixed.ndjson
