aiops-replay tests/fixtures/promtool/bad-missing-timestamp.txt
