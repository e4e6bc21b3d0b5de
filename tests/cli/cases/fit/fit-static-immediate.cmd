aiops-fit --static 'node_load1 >= 6' --static 'node_load1{instance="a"}<2' --no-samples tests/fixtures/fit/load.tsv
