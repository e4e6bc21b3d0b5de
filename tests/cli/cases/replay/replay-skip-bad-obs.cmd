aiops-replay --skip-bad tests/fixtures/fluentbit/bad-record.jsonl tests/fixtures/loki/bad-line-type.jsonl
