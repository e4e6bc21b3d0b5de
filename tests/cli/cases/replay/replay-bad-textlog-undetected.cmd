aiops-replay tests/fixtures/textlog/bad-first-line.log
