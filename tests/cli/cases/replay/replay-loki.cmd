aiops-replay tests/fixtures/loki/logcli.jsonl tests/fixtures/loki/query_range.json tests/fixtures/loki/utf8-line.jsonl
