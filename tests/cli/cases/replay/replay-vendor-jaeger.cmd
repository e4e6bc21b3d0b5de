aiops-replay tests/unit/formats/traces/vendor/jaeger.json
