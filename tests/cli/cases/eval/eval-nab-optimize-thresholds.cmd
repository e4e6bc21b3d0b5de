aiops-eval --nab-windows tests/fixtures/eval/nab/windows.json --nab-optimize --nab-threshold 0.5 --nab-results tests/fixtures/eval/nab/results
