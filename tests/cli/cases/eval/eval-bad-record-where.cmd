printf '{"type":"sample","ts":1,"name":"x","labels":{},"value":1}\n{"type":"anomaly","ts":5}\n' | aiops-eval --labels tests/fixtures/eval/labels.ndjson
