aiops-replay tests/fixtures/prom-text/bad-escape.prom
