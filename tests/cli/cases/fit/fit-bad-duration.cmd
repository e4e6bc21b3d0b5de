aiops-fit --train 2weeks tests/fixtures/fit/load.tsv
