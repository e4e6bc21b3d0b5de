aiops-replay tests/fixtures/prom-text/bad-type.prom
