# Issue 19 item 12: --tz (and TZ) set the zone of times written without
# one: the same zone-less CSV rows read in Europe/Berlin are 3600 s
# (winter) and 7200 s (summer) earlier than in UTC, the default; a DST gap
# reads with the offset before the change and an overlap is the earlier
# instant; --tz wins over TZ; zone-less log layouts (nginx, syslog) follow
# it; zoned times (RFC 3339 with offset, the access log's +0000) and
# epochs do not; an unknown zone is a usage error naming it.
set -eu
[ -f /usr/share/zoneinfo/Europe/Berlin ] || { echo "skipped: no /usr/share/zoneinfo (tzdata)"; exit 0; }
t=$(mktemp -d /tmp/aiops-replay-tz.XXXXXX)
trap 'rm -rf "$t"' EXIT
printf 'time,v\n2024-01-15 12:00:00,1\n2024-03-31 02:30:00,2\n2024-07-15 12:00:00,3\n2024-10-27 02:30:00,4\n2024-07-15T12:00:00+02:00,5\n1721044800,6\n' > "$t/m.csv"
# "value=ts" by value (replay writes in time order); rows 3, 5 and 6 may
# name one instant, so repeats are kept (--keep-duplicates)
ts() { jq -r '"\(.value)=\(.ts)"' | sort | tr '\n' ' '; }
[ "$(unset TZ; "$BIN/aiops-replay" --keep-duplicates "$t/m.csv" | ts)" = "1=1705320000 2=1711852200 3=1721044800 4=1729996200 5=1721037600 6=1721044800 " ]
[ "$("$BIN/aiops-replay" --tz UTC --keep-duplicates "$t/m.csv" | ts)" = "1=1705320000 2=1711852200 3=1721044800 4=1729996200 5=1721037600 6=1721044800 " ]
# winter -3600, gap 02:30 = 01:30Z, summer -7200, overlap 02:30 = 00:30Z (CEST)
want="1=1705316400 2=1711848600 3=1721037600 4=1729989000 5=1721037600 6=1721044800 "
[ "$("$BIN/aiops-replay" --tz Europe/Berlin --keep-duplicates "$t/m.csv" | ts)" = "$want" ]
[ "$(TZ=Europe/Berlin "$BIN/aiops-replay" --keep-duplicates "$t/m.csv" | ts)" = "$want" ]
[ "$(TZ=America/New_York "$BIN/aiops-replay" --tz=Europe/Berlin --keep-duplicates "$t/m.csv" | ts)" = "$want" ]
# zone-less log layouts follow it, the access log's own offset does not
L=tests/fixtures/textlog
a=$("$BIN/aiops-replay" "$L/nginx-error.log" | head -n 1 | jq .ts)
b=$("$BIN/aiops-replay" --tz Europe/Berlin "$L/nginx-error.log" | head -n 1 | jq .ts)
[ $((a - b)) -eq 3600 ]
a=$("$BIN/aiops-replay" "$L/syslog" | head -n 1 | jq .ts)
b=$("$BIN/aiops-replay" --tz Asia/Tokyo "$L/syslog" | head -n 1 | jq .ts)
[ $((a - b)) -eq 32400 ]
[ "$("$BIN/aiops-replay" --tz Asia/Tokyo "$L/access.log" | head -n 1 | jq .ts)" = 1704164645 ]
# an unknown zone, from --tz or from TZ, is a usage error that names it
if "$BIN/aiops-replay" --tz Mars/Olympus "$t/m.csv" > /dev/null 2> "$t/err"; then exit 1; else rc=$?; fi
[ $rc -eq 2 ]
grep -q "^aiops-replay: --tz: expected a time zone name of the system zoneinfo (like Europe/Berlin or UTC), got 'Mars/Olympus'$" "$t/err"
if TZ=Mars/Olympus "$BIN/aiops-replay" "$t/m.csv" > /dev/null 2> "$t/err"; then exit 1; else rc=$?; fi
[ $rc -eq 2 ]
grep -q "^aiops-replay: TZ (environment): expected .*, got 'Mars/Olympus'$" "$t/err"
# ... unless --tz overrides it; --help still works
TZ=Mars/Olympus "$BIN/aiops-replay" --tz UTC "$t/m.csv" > /dev/null
TZ=Mars/Olympus "$BIN/aiops-replay" --help > /dev/null
