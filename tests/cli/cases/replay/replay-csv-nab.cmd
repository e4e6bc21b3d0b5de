aiops-replay -f tsv tests/fixtures/csv/nab_like.csv
