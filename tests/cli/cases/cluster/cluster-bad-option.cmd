aiops-cluster --threshold 2 tests/cli/cases/cluster/storm.ndjson
