aiops-replay --max-buffer 4 tests/fixtures/promtool/dump.txt
