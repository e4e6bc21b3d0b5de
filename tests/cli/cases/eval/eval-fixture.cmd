aiops-eval --labels tests/fixtures/eval/labels.ndjson --baseline-stream tests/fixtures/eval/baseline.ndjson tests/fixtures/eval/stream.ndjson
