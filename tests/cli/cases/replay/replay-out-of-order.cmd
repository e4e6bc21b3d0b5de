printf "1700000100\tup\t1\n1700000000\tup\t2\n" | aiops-replay --reorder-window 1
