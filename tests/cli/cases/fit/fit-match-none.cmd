aiops-fit -m nothing --no-samples tests/fixtures/fit/small.ndjson
