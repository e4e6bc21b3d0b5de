aiops-replay -f tsv tests/fixtures/stream/mixed.ndjson
