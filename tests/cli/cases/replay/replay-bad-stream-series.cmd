aiops-replay tests/fixtures/stream/bad-series.tsv
