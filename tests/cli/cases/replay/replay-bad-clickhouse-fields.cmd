aiops-replay tests/fixtures/clickhouse/bad-fields.tsv
