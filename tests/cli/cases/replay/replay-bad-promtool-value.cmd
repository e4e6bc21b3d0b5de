aiops-replay tests/fixtures/promtool/bad-value.txt
