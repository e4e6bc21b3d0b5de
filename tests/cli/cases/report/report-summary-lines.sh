# A summary's lines stay lines in the postmortem (aiops-summarize's offline
# text is headings and "- " items, one per line): hard breaks in Markdown,
# <br> in HTML, and a "- " item is text, not a list of the report's own.
set -eu
tmp=$(mktemp -d /tmp/aiops-report-sum.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/in.ndjson" <<'IN'
{"type":"incident","ts":1700000600,"id":"INC-1","start":1700000000,"end":1700000600,"services":["db"]}
{"type":"summary","ts":1700000600,"incident":"INC-1","generator":"offline","text":"What happened\nThe db went down.\n\nTimeline\n- 22:13 db down\n- 22:23 db up"}
IN
"$BIN/aiops-report" --no-charts -o "$tmp/r" "$tmp/in.ndjson" > /dev/null
grep -q -x 'What happened  ' "$tmp/r/INC-1.md"
grep -q -x 'The db went down.' "$tmp/r/INC-1.md"
grep -q -x '\\- 22:13 db down  ' "$tmp/r/INC-1.md"
grep -q '<p>What happened<br>' "$tmp/r/INC-1.html"
grep -q -e '- 22:13 db down<br>' "$tmp/r/INC-1.html"
echo "summary lines ok"
