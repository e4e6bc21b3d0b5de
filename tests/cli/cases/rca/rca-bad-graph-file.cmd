aiops-rca -G tests/cli/cases/rca/bad.dot tests/cli/cases/rca/spans.ndjson
