aiops-fit --static 'node_load1>4' --for 2m --no-samples tests/fixtures/fit/load.tsv
