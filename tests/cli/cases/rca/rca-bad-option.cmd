aiops-rca --dot -
