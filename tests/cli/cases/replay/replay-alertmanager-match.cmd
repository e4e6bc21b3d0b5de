aiops-replay -m '{severity="critical"}' -m 'PodCrashLooping' tests/fixtures/alertmanager/webhook.json tests/fixtures/alertmanager/webhook-log.ndjson
