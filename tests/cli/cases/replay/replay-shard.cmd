for k in 0 1; do echo "shard $k/2:"; aiops-replay --shard $k/2 tests/fixtures/fit/small.ndjson | jq -r ".type + \" \" + (.name // \"\")" | sort | uniq -c; done
