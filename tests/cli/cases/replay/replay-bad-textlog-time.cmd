aiops-replay tests/fixtures/textlog/bad-time.log
