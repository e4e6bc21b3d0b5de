aiops-fit --model static tests/fixtures/fit/small.ndjson
