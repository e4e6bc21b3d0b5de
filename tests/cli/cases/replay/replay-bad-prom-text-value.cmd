aiops-replay tests/fixtures/prom-text/bad-value.prom
