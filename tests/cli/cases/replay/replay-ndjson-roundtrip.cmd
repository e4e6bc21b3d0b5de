aiops-replay tests/fixtures/archives/all.tar.zst | aiops-replay -f tsv
