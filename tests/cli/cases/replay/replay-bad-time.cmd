aiops-replay --from yesterday tests/fixtures/promtool/dump.txt
