aiops-rca --graph tests/cli/cases/rca/ordinal.ndjson
