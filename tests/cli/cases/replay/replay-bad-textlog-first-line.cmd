aiops-replay -I textlog tests/fixtures/textlog/bad-first-line.log
