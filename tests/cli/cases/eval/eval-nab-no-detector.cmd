aiops-eval --nab-windows tests/fixtures/eval/nab/windows.json --nab-thresholds tests/fixtures/eval/nab/thresholds.json --nab-results tests/fixtures/eval/nab/results
