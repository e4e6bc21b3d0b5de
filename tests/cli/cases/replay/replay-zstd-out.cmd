aiops-replay -z -f tsv tests/fixtures/promtool/dump.txt | zstd -dc
