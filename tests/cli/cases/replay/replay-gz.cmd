gzip -c tests/fixtures/promtool/dump.txt | aiops-replay -f tsv
