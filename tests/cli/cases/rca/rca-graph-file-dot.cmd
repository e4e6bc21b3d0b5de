aiops-rca --graph --dot -G tests/cli/cases/rca/graph.dot tests/cli/cases/rca/spans.ndjson
