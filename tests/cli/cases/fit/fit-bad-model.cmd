aiops-fit --model prophet tests/fixtures/fit/load.tsv
