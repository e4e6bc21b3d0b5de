env -u ANTHROPIC_API_KEY aiops-summarize tests/cli/cases/summarize/incident.ndjson | jq -r '.generator'
