aiops-eval --labels tests/fixtures/eval/bad-label-no-root.ndjson tests/fixtures/eval/stream.ndjson
