aiops-cluster -g tests/cli/cases/cluster/shop.dot tests/cli/cases/cluster/storm.ndjson | jq -r 'select(.type == "alert") | "\(.state) \(.incident)"' | sort | uniq -c
