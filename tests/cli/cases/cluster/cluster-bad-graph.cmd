printf 'digraph {\n  a -> ;\n}\n' > /tmp/aiops-cluster-bad.dot; aiops-cluster -g /tmp/aiops-cluster-bad.dot tests/cli/cases/cluster/storm.ndjson; rc=$?; rm -f /tmp/aiops-cluster-bad.dot; exit $rc
