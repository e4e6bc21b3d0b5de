aiops-rca tests/cli/cases/rca/bad-incident.ndjson
