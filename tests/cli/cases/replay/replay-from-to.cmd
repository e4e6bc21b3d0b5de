aiops-replay -f tsv --from 2023-11-14T22:13:20Z --to 1700000030 tests/fixtures/prom-api/query_range.json
