aiops-fit --load tests/fixtures/fit/no-such-models.json tests/fixtures/fit/load.tsv
