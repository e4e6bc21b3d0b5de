aiops-replay -I csv -f tsv - < tests/fixtures/csv/nab_like.csv
