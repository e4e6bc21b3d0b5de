env -u ANTHROPIC_API_KEY aiops-summarize --summaries-only tests/cli/cases/summarize/incident.ndjson | jq -r '.generator'
