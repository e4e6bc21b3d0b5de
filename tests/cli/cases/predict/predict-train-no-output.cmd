aiops-predict --train -l x.ndjson x.ndjson
