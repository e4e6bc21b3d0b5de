aiops-replay -f tsv tests/fixtures/archives/all.zip
