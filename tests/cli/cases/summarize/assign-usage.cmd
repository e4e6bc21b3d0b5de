aiops-summarize --assign tests/cli/cases/summarize/incident.ndjson
