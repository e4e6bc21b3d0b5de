aiops-fit --to 2000-01-01T00:00:00Z tests/fixtures/fit/small.ndjson
