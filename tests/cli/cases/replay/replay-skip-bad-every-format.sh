# --skip-bad in every input format: N good records and one bad record (a
# line, or one record inside a whole document) give exactly N records and
# "skipped 1 malformed record".  The bad record sits between good ones, so
# records after it must come out too.
set -eu
d=$(mktemp -d /tmp/aiops-skip.XXXXXX)
trap 'rm -rf "$d"' EXIT
fails=0

# check FORMAT FILE N: the file is in $d.
check() {
    fmt=$1 file=$2 want=$3
    rc=0
    "$BIN/aiops-replay" --skip-bad -I "$fmt" "$d/$file" > "$d/out" 2> "$d/err" || rc=$?
    got=$(wc -l < "$d/out")
    if [ $rc -ne 0 ] || [ "$got" -ne "$want" ] || ! grep -q "skipped 1 malformed record;" "$d/err"; then
        echo "FAIL $fmt ($file): exit $rc, $got records (want $want)"; sed 's/^/    /' "$d/err"
        fails=$((fails + 1))
    fi
}

# doc FILE HEAD ITEM TAIL SED1 SED2 SED3: a document HEAD, ITEM three times
# (edited by each sed script, comma-separated), TAIL.
doc() {
    f=$1 head=$2 item=$3 tail=$4
    shift 4
    {
        printf '%s' "$head"
        sep=
        for e in "$@"; do printf '%s%s' "$sep" "$(echo "$item" | sed "$e")"; sep=,; done
        printf '%s\n' "$tail"
    } > "$d/$f"
}

# metrics
printf '%s\n' '{"type":"sample","ts":1,"name":"a","labels":{},"value":1}' \
    '{"type":"sample","ts":"later","name":"a","labels":{},"value":2}' \
    '{"type":"sample","ts":3,"name":"a","labels":{},"value":3}' > "$d/s.ndjson"
check stream s.ndjson 2
printf '{"status":"success","data":{"resultType":"matrix","result":[
 {"metric":{"__name__":"a"},"values":[[1,"1"],[2,"x"],[3,"3"]]},
 {"metric":{"__name__":"b"},"values":[[1,"1"]]}]}}\n' > "$d/p.json"
check prom-api p.json 3
printf '%s\n' '{"metric":{"__name__":"a"},"values":[1],"timestamps":[1000]}' \
    '{"metric":{"__name__":"b"},"values":[true,2],"timestamps":[1000,2000]}' \
    '{"metric":{"__name__":"c"},"values":[1,2],"timestamps":[1000,2000]}' > "$d/v.jsonl"
check vm-export v.jsonl 4
printf '%s\n' '{__name__="a"} 1 1000' '{__name__="b"} x 1000' '{__name__="c"} 3 1000' > "$d/dump.txt"
check promtool dump.txt 2
printf '%s\n' '# TYPE a gauge' 'a 1 1000' 'b x 1000' 'c 3 1000' > "$d/m.prom"
check prom-text m.prom 2
printf '%s\n' 'timestamp,value' '2024-01-01 00:00:00,1' '2024-01-01 00:01:00,x' \
    '2024-01-01 00:02:00,3' > "$d/c.csv"
check csv c.csv 2
# alerts
am='{"receiver":"r","status":"firing","alerts":[{"status":"STATUS","labels":{"alertname":"A"},"annotations":{},"startsAt":"2023-11-14T22:20:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"}]}'
{ echo "$am" | sed 's/STATUS/firing/'; echo "$am" | sed 's/STATUS/active/'
  echo "$am" | sed 's/STATUS/firing/; s/"f"/"g"/; s/"A"/"C"/'; } > "$d/am.ndjson"
check alertmanager am.ndjson 2
pa='{"labels":{"alertname":"NAME"},"annotations":{},"state":"STATE","activeAt":"2023-11-14T22:13:20Z","value":"1"}'
doc pa.json '{"status":"success","data":{"alerts":[' "$pa" ']}}' \
    's/NAME/A/; s/STATE/firing/' 's/NAME/B/; s/STATE/bogus/' 's/NAME/C/; s/STATE/pending/'
check prom-alerts pa.json 2
{ head -1 tests/fixtures/pagerduty/incidents.csv | tr -d '\r'
  echo 'Q1,1,"one",triggered,high,cart,P1,EP,2023-11-14T22:20:00Z,,,,false,0,https://x/1'
  echo 'Q2,2,"two",triggered,high,cart,P1,EP,yesterday,,,,false,0,https://x/2'
  echo 'Q3,3,"three",triggered,high,cart,P1,EP,2023-11-14T22:21:00Z,,,,false,0,https://x/3'; } > "$d/pd.csv"
check pagerduty pd.csv 2
og='{"id":"ID","tinyId":"1","alias":"a","message":"m","status":"open","acknowledged":false,"tags":[],"count":1,"createdAt":"2023-11-14T22:13:20.000Z","updatedAt":"2023-11-14T22:13:20.000Z","source":"s","priority":"PRIO"}'
doc og.json '{"data":[' "$og" ']}' 's/ID/i1/; s/PRIO/P1/' 's/ID/i2/; s/PRIO/P9/' 's/ID/i3/; s/PRIO/P2/'
check opsgenie og.json 2
# tables
kf='{"topic":"metrics","partition":0,"offset":OFF,"tstype":"create","ts":1700000000120,"broker":1,"key":null,"payload":"{\"type\":\"sample\",\"ts\":TS,\"name\":\"x\",\"labels\":{},\"value\":VAL}"}'
{ echo "$kf" | sed 's/OFF/1/; s/TS/1700000001/; s/VAL/1/'
  echo "$kf" | sed 's/OFF/2/; s/TS/1700000002/; s/VAL/\\"lots\\"/'
  echo "$kf" | sed 's/OFF/3/; s/TS/1700000003/; s/VAL/3/'; } > "$d/k.jsonl"
check kafka k.jsonl 2
ch='{"Timestamp":"TS","TraceId":"","SpanId":"","SeverityText":"ERROR","SeverityNumber":17,"ServiceName":"checkout","Body":"b","ResourceAttributes":{},"LogAttributes":{}}'
{ echo "$ch" | sed 's/TS/2023-11-14 22:13:21.250000000/'; echo "$ch" | sed 's/TS/soon/'
  echo "$ch" | sed 's/TS/2023-11-14 22:13:22.000000000/'; } > "$d/ch.jsonl"
check clickhouse ch.jsonl 2
# logs
printf '%s\n' '{"labels":{"app":"w"},"line":"ok","timestamp":"2024-01-02T03:04:05Z"}' \
    '{"labels":{"app":"w"},"line":"late","timestamp":"yesterday"}' \
    '{"labels":{"app":"w"},"line":"ok2","timestamp":"2024-01-02T03:04:06Z"}' > "$d/l.jsonl"
check loki l.jsonl 2
printf '%s\n' '{"@timestamp":"2024-01-02T03:04:05Z","message":"first"}' '{"message":"second"}' \
    '{"@timestamp":"2024-01-02T03:04:06Z","message":"third"}' > "$d/e.ndjson"
check es e.ndjson 2
printf '%s\n' '{"date":1704164645,"log":"ok"}' '{"date":"soon","log":"when?"}' \
    '{"date":1704164646,"log":"ok2"}' > "$d/f.jsonl"
check fluentbit f.jsonl 2
printf '%s\n' '2024-01-02T03:04:05Z INFO ok' '2024-13-02T03:04:06Z INFO month 13' \
    '2024-01-02T03:04:07Z INFO ok2' > "$d/t.log"
check textlog t.log 2
# traces
sp='{"traceID":"aa","spanID":"SID","operationName":"op","references":[],"startTime":START,"duration":5,"processID":"p1"}'
doc j.json '{"data":[{"traceID":"aa","spans":[' "$sp" '],"processes":{"p1":{"serviceName":"x"}}}]}' \
    's/SID/b1/; s/START/1704164645000000/' 's/SID/b2/; s/START/"soon"/' \
    's/SID/b3/; s/START/1704164646000000/'
check jaeger j.json 2
os='{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"ID","name":"x","startTimeUnixNano":"S","endTimeUnixNano":"E"}'
doc o.json '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"spans":[' \
    "$os" ']}]}]}' \
    's/ID/b7ad6b7169203331/; s/"S"/"1704164645000000000"/; s/"E"/"1704164646000000000"/' \
    's/ID/b7ad6b7169203332/; s/"S"/"1704164646000000000"/; s/"E"/"1704164645000000000"/' \
    's/ID/b7ad6b7169203333/; s/"S"/"1704164647000000000"/; s/"E"/"1704164648000000000"/'
check otlp o.json 2
zs='{"traceId":"5af7183fb1d4cf5f","id":"ID","name":"get","timestamp":TS,"duration":DUR,"localEndpoint":{"serviceName":"frontend"}}'
doc z.json '[' "$zs" ']' 's/ID/352bff9a74ca9ad2/; s/TS/1704164645250000/; s/DUR/5/' \
    's/ID/352bff9a74ca9ad3/; s/TS/1704164645260000/; s/DUR/"long"/' \
    's/ID/352bff9a74ca9ad4/; s/TS/1704164645270000/; s/DUR/7/'
check zipkin z.json 2
# events
ev='{"kind":"Event","involvedObject":{"kind":"Pod","name":"a-0","namespace":"x"},"reason":"Started","message":"m","eventTime":TIME,"metadata":{"name":"NAME"}}'
doc ev.json '{"apiVersion":"v1","kind":"List","items":[' "$ev" ']}' \
    's/TIME/"2024-01-02T03:04:05Z"/; s/NAME/a.1/' 's/TIME/null/; s/NAME/a.2/' \
    's/TIME/"2024-01-02T03:04:06Z"/; s/NAME/a.3/'
check k8s-events ev.json 2
printf '%s\n' '{"service":"cart","version":"v1","ts":1704164645}' '{"service":"cart","version":"v2"}' \
    '{"service":"cart","version":"v3","ts":1704164646}' > "$d/dep.jsonl"
check deploy dep.jsonl 2

[ $fails -eq 0 ] || { echo "$fails formats miscount"; exit 1; }
