aiops-eval -o /dev/null --labels tests/fixtures/eval/labels.ndjson --min-f1 0.85 --min-ac3 1 --min-nab 98 --min-noise-reduction 1.3 --min-warned 0.5 tests/fixtures/eval/stream.ndjson && echo passed
