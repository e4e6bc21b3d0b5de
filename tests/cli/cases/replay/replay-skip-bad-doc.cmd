aiops-replay --skip-bad -f tsv tests/fixtures/prom-api/bad-value.json tests/fixtures/csv/nab_like.csv
