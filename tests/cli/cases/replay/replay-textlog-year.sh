# Syslog and klog lines carry no year: it comes from the file's mtime, and
# December lines in a file saved on 2 January are from the year before.
set -eu
d=$(mktemp -d /tmp/aiops-year.XXXXXX)
trap 'rm -rf "$d"' EXIT
cp tests/fixtures/textlog/syslog tests/fixtures/textlog/kubelet.log "$d/"
touch -d '2024-01-02 00:00:00 UTC' "$d/syslog" "$d/kubelet.log"
"$BIN/aiops-replay" "$d/syslog" "$d/kubelet.log" > "$d/out"
cat > "$d/want" <<'WANT'
{"type":"log","ts":1704067198,"service":"sshd","message":"Failed password for root from 10.0.0.9 port 22 ssh2","labels":{"host":"web1","pid":"812"}}
{"type":"log","ts":1704067201,"service":"CRON","message":"(root) CMD (run-parts /etc/cron.hourly)","labels":{"host":"web1","pid":"901"}}
{"type":"log","ts":1704067202,"service":"kernel","message":"Out of memory: Killed process 4242 (java)","labels":{"host":"web1"}}
{"type":"log","ts":1704067203,"service":"app","level":"error","message":"cannot open config","labels":{"host":"web1","pid":"77"}}
{"type":"log","ts":1704164645.123456,"service":"kubelet","level":"error","message":"failed to watch *v1.Pod: connection refused"}
{"type":"log","ts":1704164646,"service":"kubelet","level":"info","message":"attempting to acquire leader lease"}
WANT
diff "$d/want" "$d/out"
