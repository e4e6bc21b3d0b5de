aiops-replay --from 2024-03-02T00:00:00Z --to 2024-03-01T00:00:00Z tests/fixtures/csv/nab_like.csv
