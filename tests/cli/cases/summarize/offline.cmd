aiops-summarize --summaries-only --offline --history tests/cli/cases/summarize/history.ndjson tests/cli/cases/summarize/incident.ndjson
