aiops-summarize --offline --incident NOPE tests/cli/cases/summarize/incident.ndjson
