# One rule for dotted (OpenTelemetry-style) names in every metric format
# that reads names from JSON or table fields, and for __name__ values in
# series text (issue 19.17): the same sample from vm-export, prom-api,
# promtool and ClickHouse is one series, foo_bar_baz{service_name="api"}.
set -eu
d=$(mktemp -d /tmp/aiops-dotted.XXXXXX)
trap 'rm -rf "$d"' EXIT
echo '{"metric":{"__name__":"foo.bar.baz","service.name":"api"},"values":[1],"timestamps":[1700000000000]}' > "$d/vm.jsonl"
echo '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"foo.bar.baz","service.name":"api"},"values":[[1700000001,"2"]]}]}}' > "$d/api.json"
echo '{__name__="foo.bar.baz", service_name="api"} 3 1700000002000' > "$d/dump.txt"
echo '{"MetricName":"foo.bar.baz","Attributes":{"service.name":"api"},"TimeUnix":"2023-11-14 22:13:23","Value":4}' > "$d/ch.jsonl"
"$BIN/aiops-replay" -f tsv "$d/vm.jsonl" "$d/api.json" "$d/dump.txt" "$d/ch.jsonl" > "$d/out"
printf '1700000000\tfoo_bar_baz{service_name="api"}\t1\n1700000001\tfoo_bar_baz{service_name="api"}\t2\n1700000002\tfoo_bar_baz{service_name="api"}\t3\n1700000003\tfoo_bar_baz{service_name="api"}\t4\n' |
    cmp - "$d/out" || { cat "$d/out"; exit 1; }
