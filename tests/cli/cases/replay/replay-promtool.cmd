aiops-replay -f tsv tests/fixtures/promtool/dump.txt
