aiops-replay --shard 3/2 tests/fixtures/fit/small.ndjson
