aiops-cluster --method dbscan --eps 1 --min-samples 3 --incidents-only tests/cli/cases/cluster/storm.ndjson | jq -c '{id, start, services: (.services | length), distinct}'
