aiops-replay -I table --map 'type=alert,ts=time,name=name,service=host,labels=ip+short,annotations=time_label+event_label' tests/fixtures/table/alerts.csv
