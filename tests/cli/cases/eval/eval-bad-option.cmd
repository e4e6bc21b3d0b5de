aiops-eval --min-f1 high tests/fixtures/eval/stream.ndjson
