aiops-replay tests/fixtures/clickhouse/custom.tsv
