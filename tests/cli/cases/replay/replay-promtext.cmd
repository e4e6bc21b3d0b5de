aiops-replay -f tsv tests/fixtures/prom-text/node.prom tests/fixtures/prom-text/om.txt
