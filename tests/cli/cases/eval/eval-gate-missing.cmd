aiops-eval -o /dev/null --labels tests/fixtures/eval/labels.ndjson --min-ac1 0.5 --gate "prediction.lead_p90>=600" --gate "no.such>=1" tests/fixtures/eval/baseline.ndjson
