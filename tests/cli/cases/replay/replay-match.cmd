aiops-replay -f tsv -m 'http_requests_total{code=~"5.."}' -m '{job="node",instance!~"10[.]0[.]0[.]1:.*"}' tests/fixtures/archives/all.tar.zst
