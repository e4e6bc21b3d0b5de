aiops-replay tests/unit/formats/traces/vendor/otlp.json
