aiops-replay tests/fixtures/promtool/bad-no-braces.txt
