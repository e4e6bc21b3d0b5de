aiops-replay tests/unit/formats/traces/vendor/zipkin.json
