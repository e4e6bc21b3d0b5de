aiops-replay tests/fixtures/archives/all.tar.zst
