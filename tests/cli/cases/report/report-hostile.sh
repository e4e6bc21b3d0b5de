# Hostile text in the input does not escape into file names, HTML,
# Markdown or a terminal: the fixture with the incident id
# "../../etc/x" and the service "d<ESC>[2Jb|x](../y)".  Files stay in the
# report directory with names of [A-Za-z0-9_.-] (a changed id gets a hash
# so ids never share a file); HTML has no raw <script> and no control
# characters; Markdown escapes "|", "[" and "]"; aiops-rca --table and
# aiops-eval --table print no escape sequence.
set -u
d=$(mktemp -d /tmp/aiops-hostile.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
sed -e 's/"db"/"d\\u001b[2Jb|x](..\/y)"/g' -e 's/INC-7/..\/..\/etc\/x/g' \
    tests/fixtures/report/incident.ndjson > "$d/in.ndjson"
mkdir "$d/rep"
"$BIN/aiops-report" --no-charts -o "$d/rep/out" "$d/in.ndjson" >/dev/null || no "report failed"
[ "$(find "$d" -type f | grep -v "^$d/rep/out/" | grep -v "^$d/in.ndjson$")" = "" ] || no "a file outside the report directory"
ls "$d/rep/out" | grep -q '^______etc_x-[0-9a-f]\{8\}\.html$' || no "file names: $(ls "$d/rep/out")"
ls "$d/rep/out" | grep -v '^[A-Za-z0-9_.-]*$' && no "unsafe file name"
esc=$(printf '\033')
grep -l "$esc" "$d"/rep/out/* && no "an ESC byte in the report"
grep -l '<script' "$d"/rep/out/*.html && no "raw <script> in HTML"
grep -q 'd[^ ]*\\\[2Jb\\|x\\\](../y)' "$d"/rep/out/*.md || no "Markdown: | [ ] not escaped"
grep -q '\\| \\\[link\\\](javascript:alert(1))' "$d"/rep/out/*.md || no "Markdown: link not broken"
"$BIN/aiops-rca" --table "$d/in.ndjson" > "$d/table" || no "rca --table failed"
grep -q "$esc" "$d/table" && no "rca --table printed an ESC byte"
grep -q '^\.\./\.\./etc/x *2  d?\[2Jb|x\](\.\./y)' "$d/table" || no "rca --table: $(cat "$d/table")"
"$BIN/aiops-eval" --table --labels "$d/in.ndjson" "$d/in.ndjson" > "$d/eval" || no "eval --table failed"
grep -q "$esc" "$d/eval" && no "eval --table printed an ESC byte"
exit $fail
