aiops-replay tests/fixtures/promtool/bad-utf8.txt
