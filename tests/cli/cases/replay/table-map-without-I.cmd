aiops-replay --map 'ts=TimeStamp,service=PodName:pod,ignore=Time' tests/fixtures/table/pod_metric.csv
