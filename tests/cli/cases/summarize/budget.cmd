aiops-summarize --dry-run --budget 900 tests/cli/cases/summarize/incident.ndjson | jq -r '.messages[0].content'
