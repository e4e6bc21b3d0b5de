aiops-cluster -g tests/cli/cases/cluster/shop.dot tests/cli/cases/cluster/storm.ndjson | aiops-eval | jq -c '.grouping.ours | {alerts, groups, ari}'
