aiops-fit --shard 2/2 tests/fixtures/fit/small.ndjson
