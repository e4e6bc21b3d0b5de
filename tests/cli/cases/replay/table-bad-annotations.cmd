aiops-replay -I table --map 'annotations=time_label' tests/fixtures/table/pod_metric.csv
