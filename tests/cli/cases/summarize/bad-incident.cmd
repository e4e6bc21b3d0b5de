aiops-summarize --summaries-only --offline tests/cli/cases/summarize/bad-incident.ndjson
