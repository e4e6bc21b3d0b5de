aiops-predict --limits tests/cli/cases/predict/bad.limits /dev/null
