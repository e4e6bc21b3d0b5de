aiops-summarize --templates tests/cli/cases/summarize/incident.ndjson
