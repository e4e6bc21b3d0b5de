aiops-rca --graph tests/cli/cases/rca/spans.ndjson
