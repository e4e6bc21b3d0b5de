aiops-cluster --recommend tests/cli/cases/cluster/storm.ndjson
