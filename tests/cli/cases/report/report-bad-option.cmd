aiops-report --format slack --eval x.json
