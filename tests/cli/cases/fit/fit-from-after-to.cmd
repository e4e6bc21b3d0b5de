aiops-fit --from 2023-11-15T00:00:00Z --to 2023-11-14T00:00:00Z tests/fixtures/fit/small.ndjson
