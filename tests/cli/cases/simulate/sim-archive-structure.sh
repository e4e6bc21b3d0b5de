#!/bin/sh
# aiops-simulate: the archive's members and their structure (checked with
# jq until the readers for logs/traces/events/alerts exist).
set -u
t=$(mktemp -d /tmp/sim-arch.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "sim-archive-structure: $*"; exit 1; }
"$BIN/aiops-simulate" scenarios/error-burst.json -o "$t/a.tar.zst" || fail "simulate failed"
zstd -qdc "$t/a.tar.zst" | tar -tf - >"$t/list" || fail "not a tar.zst"
cat >"$t/want" <<'LIST'
scenario.json
metrics/http_requests_per_second/2024-01-01.json
metrics/http_errors_per_second/2024-01-01.json
metrics/http_error_ratio/2024-01-01.json
metrics/http_latency_p50_seconds/2024-01-01.json
metrics/http_latency_p99_seconds/2024-01-01.json
metrics/cpu_usage_ratio/2024-01-01.json
metrics/memory_usage_bytes/2024-01-01.json
metrics/disk_usage_ratio/2024-01-01.json
metrics/saturation_ratio/2024-01-01.json
metrics/up/2024-01-01.json
logs/2024-01-01.jsonl
traces/jaeger/2024-01-01.json
events/kubernetes.json
events/deploys.ndjson
alerts/alertmanager.ndjson
labels.ndjson
LIST
diff "$t/want" "$t/list" || fail "unexpected member list"
mkdir "$t/x" && zstd -qdc "$t/a.tar.zst" | tar -xf - -C "$t/x" || fail "extract failed"
cd "$t/x" || exit 1
cmp -s scenario.json "$OLDPWD/scenarios/error-burst.json" || fail "scenario.json is not the input"
# Prometheus query_range: 8 services x 288 points, label service on every series
for f in metrics/*/2024-01-01.json; do
    m=$(basename "$(dirname "$f")")
    jq -e --arg m "$m" '.status == "success" and .data.resultType == "matrix"
        and (.data.result | length) == 8
        and all(.data.result[]; .metric.__name__ == $m and (.metric.service | type) == "string"
                and .metric.namespace == "shop" and (.values | length) == 288
                and (.values[0][0] == 1704067200) and (.values[0][1] | type) == "string")' \
        "$f" >/dev/null || fail "$f: not the expected query_range matrix"
done
# values are short exact decimals (rounded in the model), never 17-digit noise
! grep -qE '"-?[0-9]+\.[0-9]{7,}"' metrics/*/*.json || fail "a value has more than 6 decimals"
# ground truth
[ "$(wc -l <labels.ndjson)" -eq 1 ] || fail "expected one label"
jq -e '.type == "label" and .ts == .start and .id == "INC-1" and .kind == "error_burst"
       and .root_cause == "auth" and .start == 1704124800 and .end == 1704126000
       and .declared == 1704125100 and .affected == ["frontend","api","auth"]
       and (.alerts | length) >= 3' labels.ndjson >/dev/null || fail "labels.ndjson: wrong label"
# Alertmanager webhooks: every firing alert of the incident is in the label
jq -e -s 'all(.[]; .version == "4" and (.alerts | length) == 1 and .status == .alerts[0].status
          and (.alerts[0].fingerprint | test("^[0-9a-f]{16}$")))' alerts/alertmanager.ndjson \
    >/dev/null || fail "alerts/alertmanager.ndjson: not webhook payloads"
jq -r 'select(.alerts[0].labels.alertname == "HighErrorRate" and .status == "firing")
       | .alerts[0].fingerprint' alerts/alertmanager.ndjson | sort >"$t/fired"
jq -r '.alerts[]' labels.ndjson | sort >"$t/labelled"
[ -s "$t/fired" ] || fail "no HighErrorRate alert fired"
[ -z "$(comm -23 "$t/fired" "$t/labelled")" ] || fail "a HighErrorRate alert is not in the label"
# kubectl events, deploys, logs, traces
jq -e '.kind == "List" and .apiVersion == "v1" and all(.items[]; .kind == "Event")' \
    events/kubernetes.json >/dev/null || fail "events/kubernetes.json: not an event list"
[ ! -s events/deploys.ndjson ] || jq -e 'select(.type == "event" and .kind == "deploy")' \
    events/deploys.ndjson >/dev/null || fail "events/deploys.ndjson"
jq -e -s 'length > 100 and all(.[]; (.labels.service | type) == "string" and (.line | type) == "string"
          and (.timestamp | test("^2024-01-01T")))' logs/2024-01-01.jsonl >/dev/null ||
    fail "logs: not logcli JSONL"
grep -q 'level=error' logs/2024-01-01.jsonl || fail "logs: no error lines during the burst"
jq -e '(.data | length) > 0 and all(.data[]; (.spans | length) > 0
       and all(.spans[]; (.startTime | type) == "number" and (.processID | test("^p[0-9]+$"))))' \
    traces/jaeger/2024-01-01.json >/dev/null || fail "traces/jaeger: not Jaeger JSON"
# one trace format per archive (--trace-format; Jaeger by default), the
# same spans in each
"$BIN/aiops-simulate" "$OLDPWD/scenarios/error-burst.json" --trace-format otlp -o "$t/o.tar.zst" ||
    fail "simulate --trace-format otlp failed"
"$BIN/aiops-simulate" "$OLDPWD/scenarios/error-burst.json" --trace-format zipkin -o "$t/z.tar.zst" ||
    fail "simulate --trace-format zipkin failed"
for f in o z; do
    zstd -qdc "$t/$f.tar.zst" | tar -tf - | grep '^traces/' >"$t/$f.list" || fail "$f: no traces"
done
[ "$(cat "$t/o.list")" = traces/otlp/2024-01-01.json ] || fail "otlp archive: $(cat "$t/o.list")"
[ "$(cat "$t/z.list")" = traces/zipkin/2024-01-01.json ] || fail "zipkin archive: $(cat "$t/z.list")"
zstd -qdc "$t/o.tar.zst" | tar -xOf - traces/otlp/2024-01-01.json >"$t/otlp.json"
zstd -qdc "$t/z.tar.zst" | tar -xOf - traces/zipkin/2024-01-01.json >"$t/zipkin.json"
jq -e '(.resourceSpans | length) > 0 and all(.resourceSpans[];
       .resource.attributes[0].key == "service.name"
       and all(.scopeSpans[0].spans[]; (.traceId | test("^[0-9a-f]{32}$"))
               and (.startTimeUnixNano | test("^[0-9]+$"))))' "$t/otlp.json" \
    >/dev/null || fail "traces/otlp: not OTLP JSON"
jq -e 'length > 0 and all(.[]; (.traceId | test("^[0-9a-f]{32}$")) and (.id | test("^[0-9a-f]{16}$"))
       and (.timestamp | type) == "number" and (.localEndpoint.serviceName | type) == "string")' \
    "$t/zipkin.json" >/dev/null || fail "traces/zipkin: not Zipkin v2 JSON"
js=$(jq '[.data[].spans | length] | add' traces/jaeger/2024-01-01.json)
os=$(jq '[.resourceSpans[].scopeSpans[].spans | length] | add' "$t/otlp.json")
zs=$(jq 'length' "$t/zipkin.json")
[ "$js" -eq "$os" ] && [ "$js" -eq "$zs" ] ||
    fail "jaeger has $js spans, otlp $os, zipkin $zs: expected the same traces"
exit 0
