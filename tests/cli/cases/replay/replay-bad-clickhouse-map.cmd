aiops-replay tests/fixtures/clickhouse/bad-map.tsv
