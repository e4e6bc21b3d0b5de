aiops-fit --shard 0/2 --tune --tune-by name --labels tests/fixtures/fit/cpu-batch-labels.ndjson tests/fixtures/fit/cpu-batch.tsv
