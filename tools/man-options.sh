#!/bin/sh
# man-options.sh [--check] [BINDIR] - the OPTIONS section of each
# docs/man/aiops-TOOL.1 is generated from the tool's option table
# (`aiops-TOOL --help-man`, tools/cli.c): rewrite the lines between the
# page's two markers and keep the rest of the hand-written page.
# --check changes nothing: it shows the differences and exits 1 when a page
# is out of date.  `make man` runs it with bin/.
set -eu
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
bin=$(cd "${1:-bin}" && pwd)
cd "$(dirname "$0")/.."
B='.\" BEGIN OPTIONS' E='.\" END OPTIONS'
export B E
tmp=$(mktemp -d /tmp/aiops-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
for t in "$bin"/aiops-*; do
    name=$(basename "$t")
    page=docs/man/$name.1
    [ -f "$page" ] || { echo "$name: no man page $page"; rc=1; continue; }
    if ! grep -q -F -e "$B" "$page" || ! grep -q -F -e "$E" "$page"; then
        echo "$page: no lines starting with '$B' and '$E'"; rc=1; continue
    fi
    "$t" --help-man >"$tmp/rows"
    awk -v rows="$tmp/rows" '
        index($0, ENVIRON["E"]) == 1 { skip = 0 }
        !skip { print }
        index($0, ENVIRON["B"]) == 1 { while ((getline l < rows) > 0) print l; skip = 1 }
    ' "$page" >"$tmp/page"
    if cmp -s "$page" "$tmp/page"; then
        continue
    elif [ $check = 1 ]; then
        echo "$page: OPTIONS differ from the option table of tools/$name.c (run make man):"
        diff "$page" "$tmp/page" || true
        rc=1
    else
        cp "$tmp/page" "$page"
        echo "updated $page"
    fi
done
exit $rc
