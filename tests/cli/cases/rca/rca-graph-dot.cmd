aiops-rca --graph --dot tests/cli/cases/rca/spans.ndjson
