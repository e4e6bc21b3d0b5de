aiops-summarize --offline tests/cli/cases/summarize/bad-incident.ndjson
