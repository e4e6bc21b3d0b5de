aiops-replay --service checkout tests/fixtures/textlog/app.log
