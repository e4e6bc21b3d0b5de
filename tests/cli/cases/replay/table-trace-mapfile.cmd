aiops-replay -I table --map @tests/fixtures/table/trace.map tests/fixtures/table/trace.csv
