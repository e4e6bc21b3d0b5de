aiops-cluster --history tests/cli/cases/cluster/storm.ndjson --incidents-only tests/cli/cases/cluster/storm.ndjson | jq -c '{id, services: (.services | length), distinct, primary_service}'
