aiops-summarize --summaries-only --offline --incident NOPE tests/cli/cases/summarize/incident.ndjson
