aiops-replay tests/fixtures/prom-text/bad-utf8.prom
