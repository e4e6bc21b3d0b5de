aiops-fit --tune --labels tests/fixtures/fit/cpu-batch-labels.ndjson --objective recall-at-fa:many tests/fixtures/fit/load.tsv
