aiops-replay --map ts=when,reading=value tests/fixtures/clickhouse/custom.tsv
