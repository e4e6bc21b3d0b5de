aiops-replay tests/fixtures/clickhouse/bad-time.tsv
