aiops-replay tests/fixtures/promtool/bad-unclosed.txt
