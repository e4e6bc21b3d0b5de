aiops-fit --list-models
