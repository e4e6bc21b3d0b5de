aiops-replay tests/fixtures/prom-text/bad-label.prom
