aiops-replay -I table tests/fixtures/table/long.tsv
