aiops-replay tests/fixtures/clickhouse/otel_logs.jsonl tests/fixtures/clickhouse/otel_traces.tsv tests/fixtures/clickhouse/otel_metrics_gauge.jsonl
