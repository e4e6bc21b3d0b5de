aiops-replay tests/fixtures/stream/bad-time.tsv
