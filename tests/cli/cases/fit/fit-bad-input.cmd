aiops-fit --static 'x>1' tests/fixtures/fit/bad-input.tsv
