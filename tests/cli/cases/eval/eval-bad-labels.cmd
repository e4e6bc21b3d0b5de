aiops-eval --labels tests/fixtures/eval/bad-incidents.csv tests/fixtures/eval/stream.ndjson
