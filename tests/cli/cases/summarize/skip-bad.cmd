aiops-summarize --summaries-only --offline --skip-bad tests/cli/cases/summarize/bad-incident.ndjson | jq -r '.incident'
