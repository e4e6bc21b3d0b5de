aiops-replay -f tsv tests/fixtures/prom-api/query_range.json tests/fixtures/prom-api/query_vector.json tests/fixtures/prom-api/query_scalar.json
