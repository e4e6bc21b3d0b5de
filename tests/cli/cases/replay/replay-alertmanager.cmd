aiops-replay tests/fixtures/alertmanager/webhook.json tests/fixtures/alertmanager/webhook-log.ndjson tests/fixtures/alertmanager/api-v2-alerts.json
