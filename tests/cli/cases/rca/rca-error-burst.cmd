aiops-simulate --stream scenarios/error-burst.json | aiops-rca --rca-only --on label -k 3
