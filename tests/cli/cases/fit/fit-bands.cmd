aiops-fit --model ewma --train 2h --bands --no-samples -m 'queue_depth' tests/fixtures/fit/small.ndjson | head -n 3
