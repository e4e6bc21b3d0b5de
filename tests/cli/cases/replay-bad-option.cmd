aiops-replay --frobnicate
