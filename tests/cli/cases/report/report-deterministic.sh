# The same input gives byte-identical reports (charts included), whatever
# the time zone and the output directory; Markdown and HTML escape input
# text (the alert named <script>alert(1)</script> is never markup).
set -eu
tmp=$(mktemp -d /tmp/aiops-det.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
charts=
command -v gnuplot >/dev/null 2>&1 || charts=--no-charts
fx=tests/fixtures/report/incident.ndjson
"$BIN/aiops-report" $charts -o "$tmp/a" "$fx" > /dev/null
TZ=Asia/Tokyo "$BIN/aiops-report" $charts -o "$tmp/b/c" "$fx" > /dev/null
diff -r "$tmp/a" "$tmp/b/c"
[ "$(ls "$tmp/a" | wc -l)" -ge 5 ]
for f in "$tmp/a"/*.html "$tmp/a"/*.md; do
    if grep -q '<script' "$f"; then echo "$f: unescaped <script"; exit 1; fi
done
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; on api' "$tmp/a/INC-7.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; on api' "$tmp/a/INC-7.md"
echo ok
