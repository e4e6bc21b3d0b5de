aiops-replay tests/fixtures/prom-text/bad-label-syntax.prom
