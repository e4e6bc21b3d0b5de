aiops-replay -f tsv tests/fixtures/clickhouse/node_metrics.tsv
