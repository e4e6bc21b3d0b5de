aiops-replay -I table --map 'ts=TimeStamp,service=PodName:pod' tests/fixtures/table/pod_metric.csv
