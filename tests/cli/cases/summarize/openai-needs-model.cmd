aiops-summarize --provider openai tests/cli/cases/summarize/incident.ndjson
