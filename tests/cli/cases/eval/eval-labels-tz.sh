# Issue 19 item 12: zone-less label times are read in --tz (else $TZ, else
# UTC): the fixture's incidents written as Berlin wall-clock times (UTC+1
# in November) score exactly as labels.ndjson does; read as UTC they are
# an hour late and only one of them is detected.
set -eu
[ -f /usr/share/zoneinfo/Europe/Berlin ] || { echo "skipped: no /usr/share/zoneinfo (tzdata)"; exit 0; }
t=$(mktemp -d /tmp/aiops-eval-tz.XXXXXX)
trap 'rm -rf "$t"' EXIT
printf 'id,start,end,root_cause\nINC-1,2023-11-14 23:43:20,2023-11-14 23:58:20,db\nINC-2,2023-11-15 00:43:20,2023-11-15 00:53:20,api\n' > "$t/l.csv"
run() { "$BIN/aiops-eval" "$@" tests/fixtures/eval/stream.ndjson | jq -c '[.detection.event.detected, .detection.span.from, .detection.span.to]'; }
[ "$(run --tz Europe/Berlin --labels "$t/l.csv")" = '[2,"2023-11-14T22:23:20Z","2023-11-14T23:53:20Z"]' ]
[ "$(TZ=Europe/Berlin run --labels "$t/l.csv")" = '[2,"2023-11-14T22:23:20Z","2023-11-14T23:53:20Z"]' ]
[ "$(run --labels tests/fixtures/eval/labels.ndjson)" = '[2,"2023-11-14T22:23:20Z","2023-11-14T23:53:20Z"]' ]
[ "$(unset TZ; run --labels "$t/l.csv")" = '[1,"2023-11-14T22:23:20Z","2023-11-15T00:53:20Z"]' ]
