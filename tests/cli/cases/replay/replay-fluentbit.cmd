aiops-replay tests/fixtures/fluentbit/forward.jsonl tests/fixtures/fluentbit/json_lines.jsonl tests/fixtures/fluentbit/fluentd.log tests/fixtures/fluentbit/utf8.jsonl
