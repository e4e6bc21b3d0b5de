aiops-simulate --stream scenarios/error-burst.json | aiops-rca --on label -k 3 --method seed --table
