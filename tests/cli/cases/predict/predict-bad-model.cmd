aiops-predict --model tests/cli/cases/predict/predict-disk-eta.cmd /dev/null
