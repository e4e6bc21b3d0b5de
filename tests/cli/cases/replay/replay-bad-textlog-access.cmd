aiops-replay tests/fixtures/textlog/bad-access.log
