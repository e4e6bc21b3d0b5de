aiops-eval --markdown --labels tests/fixtures/eval/incidents.csv < tests/fixtures/eval/stream.ndjson
