aiops-fit --model ewma --train 1h --horizon 3 --step 5m --no-samples -m latency_ms tests/fixtures/fit/small.ndjson | jq -c 'select(.forecast)'
