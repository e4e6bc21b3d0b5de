d=$(mktemp -d /tmp/aiops-rep.XXXXXX) && aiops-report --no-charts -o "$d" tests/fixtures/report/incident.ndjson >/dev/null && cat "$d/INC-7.md" "$d/index.md"; rc=$?; rm -rf "$d"; exit $rc
