aiops-replay tests/fixtures/alertmanager/vendor-webhook.ndjson tests/fixtures/alertmanager/vendor-api-v2.json
