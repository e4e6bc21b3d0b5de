aiops-replay --from 2030-01-01T00:00:00Z tests/fixtures/csv/nab_like.csv
