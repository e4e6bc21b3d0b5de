aiops-replay -m 'oom_kill' -m '{reason=~"(?i)scalingreplicaset",namespace="shop"}' tests/fixtures/k8s-events/list.json
