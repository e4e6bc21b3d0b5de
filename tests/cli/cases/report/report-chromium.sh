# Issue 26 acceptance: the postmortem HTML renders in headless Chromium
# (Debian's chromium; no network: a dead proxy catches any fetch), the
# screenshot is not blank, every image is inline (a data: URI holding
# well-formed SVG) and nothing is fetched, and input text is escaped: the
# alert named <script>alert(1)</script> shows as text, no script element
# exists in the DOM.  Installs nothing: skips without chromium.
set -eu
command -v chromium >/dev/null 2>&1 || { echo "skipped: chromium is not installed (apt-get install chromium)"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 0; }
tmp=$(mktemp -d /tmp/aiops-chromium.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
charts=
command -v gnuplot >/dev/null 2>&1 || charts=--no-charts
"$BIN/aiops-report" $charts -o "$tmp/r" tests/fixtures/report/incident.ndjson > /dev/null
page="$tmp/r/INC-7.html"
run_chromium() {
    HOME="$tmp" timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --proxy-server=127.0.0.1:9 --user-data-dir="$tmp/profile" "$@" 2>/dev/null
}
run_chromium --window-size=1000,2400 --screenshot="$tmp/shot.png" "file://$page" > /dev/null
[ -s "$tmp/shot.png" ] || { echo "no screenshot"; exit 1; }
set -- $(python3 tests/cli/cases/report/pngstat.py "$tmp/shot.png")
echo "screenshot ${1}x${2}: $3 colours, $4 of the pixels not background"
[ "$3" -ge 20 ] || { echo "screenshot looks blank: $3 colours"; exit 1; }
python3 -c "import sys; sys.exit(0 if float('$4') > 0.02 else 1)" || { echo "screenshot looks blank"; exit 1; }
run_chromium --dump-dom "file://$page" > "$tmp/dom.html"
grep -q 'Postmortem INC-7' "$tmp/dom.html"
python3 - "$tmp/dom.html" "$page" <<'PY'
import base64, re, sys, xml.etree.ElementTree as ET
dom = open(sys.argv[1]).read()
src = open(sys.argv[2]).read()
# input text shows as text: escaped in the DOM, no script element anywhere
assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom, "the alert name is not shown as text"
assert not re.search(r"<script", dom, re.I), "a script element is in the DOM"
assert not re.search(r"<script", src, re.I), "a script element is in the file"
# every image inline and well-formed: data: URIs of SVG only
imgs = re.findall(r"<img\b[^>]*>", dom)
for tag in imgs:
    m = re.search(r'src="([^"]*)"', tag)
    assert m and m.group(1).startswith("data:image/svg+xml;base64,"), "image not inline: %s" % tag[:80]
    svg = base64.b64decode(m.group(1).split(",", 1)[1])
    ET.fromstring(svg)          # raises on a broken image
# nothing to fetch: no external src/href, no url() but data:
assert not re.search(r'(src|href)="(https?:|//|file:)', src), "an external resource"
assert not re.search(r"url\((?!#)", src), "a CSS url()"
print("%d inline images, DOM escaped" % len(imgs))
PY
grep -q '<svg[^>]*class="graph"' "$tmp/dom.html"
echo ok
