aiops-summarize --offline --markdown --history tests/cli/cases/summarize/history.ndjson tests/cli/cases/summarize/incident.ndjson
