aiops-cluster --method group-by --inhibit 'source severity=critical' tests/cli/cases/cluster/storm.ndjson
