aiops-replay tests/fixtures/promtool/bad-timestamp.txt
