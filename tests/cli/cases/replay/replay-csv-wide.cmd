aiops-replay -f tsv tests/fixtures/csv/grafana_wide.csv tests/fixtures/csv/noheader_wide.csv
