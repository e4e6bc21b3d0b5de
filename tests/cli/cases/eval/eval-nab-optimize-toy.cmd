aiops-eval --table --nab-windows tests/fixtures/eval/nab/windows.json --nab-optimize --detector toy --nab-results tests/fixtures/eval/nab/results
