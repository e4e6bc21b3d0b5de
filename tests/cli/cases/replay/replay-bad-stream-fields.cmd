aiops-replay tests/fixtures/stream/bad-fields.tsv
