aiops-cluster --method group-by --group-by ... --incidents-only tests/cli/cases/cluster/storm.ndjson | wc -l
