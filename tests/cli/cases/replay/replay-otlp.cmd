aiops-replay tests/fixtures/otlp/traces.json tests/fixtures/otlp/collector.jsonl
