aiops-fit --load tests/fixtures/fit/bad-models-unknown.json tests/fixtures/fit/load.tsv
