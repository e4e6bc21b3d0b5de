aiops-fit --load tests/fixtures/fit/bad-models.json tests/fixtures/fit/load.tsv
