aiops-fit --model ewma --train 1h tests/fixtures/fit/small.ndjson | grep -v '"type":"sample"' | grep -v "$(printf '\t')"
