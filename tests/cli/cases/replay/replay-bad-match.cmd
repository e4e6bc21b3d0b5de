aiops-replay -m "up{job=}" tests/fixtures/promtool/dump.txt
