aiops-replay tests/fixtures/prom-text/bad-trailing.prom
