aiops-replay --stats -o /dev/null tests/fixtures/promtool/dump.txt 2>&1
