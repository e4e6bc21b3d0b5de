printf '1700000000\tup\t1\ngarbage\n1700000001\tup\tx\n1700000002\tup\t3\n' | aiops-replay -f tsv --skip-bad
