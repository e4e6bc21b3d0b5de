aiops-fit --tune tests/fixtures/fit/load.tsv
