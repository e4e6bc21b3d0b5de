aiops-replay -f tsv --map ts=when,name=sensor,value=reading tests/fixtures/clickhouse/custom.tsv
