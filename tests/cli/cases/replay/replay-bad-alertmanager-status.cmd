aiops-replay tests/fixtures/alertmanager/bad-status.ndjson
