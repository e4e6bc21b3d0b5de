aiops-replay --list-formats
