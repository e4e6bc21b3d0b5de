aiops-eval --table --nab-windows tests/fixtures/eval/nab/windows.json --nab-thresholds tests/fixtures/eval/nab/thresholds.json --detector toy --nab-results tests/fixtures/eval/nab/results
