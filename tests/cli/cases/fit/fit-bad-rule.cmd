aiops-fit --static 'cpu=80' tests/fixtures/fit/load.tsv
