aiops-replay tests/fixtures/alertmanager/bad-resolved.ndjson
