d=$(mktemp -d /tmp/aiops-rep.XXXXXX) && aiops-report --gnuplot aiops-no-such-gnuplot -o "$d" tests/fixtures/report/incident.ndjson; rc=$?; rm -rf "$d"; exit $rc
