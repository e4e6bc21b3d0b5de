aiops-replay -t event,sample -m "{host=\"a\"}" tests/fixtures/stream/mixed.ndjson
